using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Design;
using Portal.Core.Data;

namespace Portal.Migrations.SqlServer;

/// <summary>Lets <c>dotnet ef</c> build the context for SQL Server without a server (migrations need none).</summary>
public sealed class SqlServerDesignTimeFactory : IDesignTimeDbContextFactory<PortalDbContext>
{
    public PortalDbContext CreateDbContext(string[] args) => new(Options());

    public static DbContextOptions<PortalDbContext> Options(
        string connectionString = "Server=localhost;Database=UpscalePortal;Trusted_Connection=True;TrustServerCertificate=True") =>
        new DbContextOptionsBuilder<PortalDbContext>()
            .UseSqlServer(connectionString, o => o.MigrationsAssembly(DatabaseSetup.SqlServerMigrationsAssembly))
            .UseDesignTimeIdentitySchema()
            .Options;
}
