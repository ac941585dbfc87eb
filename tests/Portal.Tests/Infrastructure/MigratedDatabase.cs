using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Portal.Core.Data;

namespace Portal.Tests.Infrastructure;

/// <summary>The portal's database on an in-memory SQLite connection, built by the real migrations.</summary>
public static class MigratedDatabase
{
    /// <summary>
    /// Registers <see cref="IDbContextFactory{TContext}"/> on the (opened) connection and migrates it; returns a
    /// context for seeding (the caller disposes it).
    /// </summary>
    public static PortalDbContext AddTo(IServiceCollection services, SqliteConnection connection)
    {
        connection.Open();
        services.AddDbContextFactory<PortalDbContext>(o => o
            .UseSqlite(connection, s => s.MigrationsAssembly(DatabaseSetup.SqliteMigrationsAssembly))
            .UseApplicationServiceProvider(new ServiceCollection()
                .Configure<Microsoft.AspNetCore.Identity.IdentityOptions>(i => i.Stores.SchemaVersion = IdentitySchema.Version)
                .BuildServiceProvider()));
        var db = services.BuildServiceProvider().GetRequiredService<IDbContextFactory<PortalDbContext>>().CreateDbContext();
        db.Database.Migrate();
        return db;
    }
}
