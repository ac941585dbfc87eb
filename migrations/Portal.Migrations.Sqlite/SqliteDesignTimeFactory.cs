using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Design;
using Portal.Core.Data;

namespace Portal.Migrations.Sqlite;

/// <summary>Lets <c>dotnet ef</c> build the context for SQLite without starting the web host.</summary>
public sealed class SqliteDesignTimeFactory : IDesignTimeDbContextFactory<PortalDbContext>
{
    public PortalDbContext CreateDbContext(string[] args) => new(Options());

    public static DbContextOptions<PortalDbContext> Options(string connectionString = "Data Source=design-time.db") =>
        new DbContextOptionsBuilder<PortalDbContext>()
            .UseSqlite(connectionString, o => o.MigrationsAssembly(DatabaseSetup.SqliteMigrationsAssembly))
            .UseDesignTimeIdentitySchema()
            .Options;
}
