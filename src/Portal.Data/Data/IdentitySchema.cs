using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Portal.Core.Data;

/// <summary>
/// Identity picks its table layout (passkeys came with version 3) from IdentityOptions in the host's services.
/// The design-time factories have no host, so they hand the context the same choice; otherwise the migrations
/// would be built from a different model than the one the portal runs.
/// </summary>
public static class IdentitySchema
{
    public static readonly Version Version = IdentitySchemaVersions.Version3;

    private static readonly Lazy<IServiceProvider> DesignTimeServices = new(() =>
        new ServiceCollection()
            .Configure<IdentityOptions>(o => o.Stores.SchemaVersion = Version)
            .BuildServiceProvider());

    public static DbContextOptionsBuilder<PortalDbContext> UseDesignTimeIdentitySchema(this DbContextOptionsBuilder<PortalDbContext> builder) =>
        builder.UseApplicationServiceProvider(DesignTimeServices.Value);
}
