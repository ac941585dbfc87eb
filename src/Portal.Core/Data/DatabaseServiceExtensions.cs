using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Portal.Core.Storage;

namespace Portal.Core.Data;

/// <summary>The one DbContext on the provider that <c>Database:Provider</c> names; shared by the web and worker hosts.</summary>
public static class DatabaseServiceExtensions
{
    public static IServiceCollection AddPortalDbContext(this IServiceCollection services)
    {
        services.AddOptions<DatabaseOptions>().BindConfiguration(DatabaseOptions.SectionName)
            .Validate(o => o.Provider != DatabaseProvider.SqlServer || !string.IsNullOrWhiteSpace(o.ConnectionString),
                "Database:ConnectionString is required when Database:Provider is SqlServer.")
            .ValidateOnStart();

        // The factory serves components that live as long as a circuit (a context per load, never one per circuit);
        // the context itself stays a scoped service for requests, services and Identity.
        services.AddDbContextFactory<PortalDbContext>((sp, options) =>
        {
            var database = sp.GetRequiredService<IOptions<DatabaseOptions>>().Value;
            switch (database.Provider)
            {
                case DatabaseProvider.SqlServer:
                    options.UseSqlServer(database.ConnectionString,
                        sql => sql.MigrationsAssembly(DatabaseSetup.SqlServerMigrationsAssembly).EnableRetryOnFailure());
                    break;
                default:
                    var connection = string.IsNullOrWhiteSpace(database.ConnectionString)
                        ? SqliteConnectionString.For(sp.GetRequiredService<DataFolders>().DatabaseFile)
                        : database.ConnectionString;
                    options.UseSqlite(connection, sqlite => sqlite.MigrationsAssembly(DatabaseSetup.SqliteMigrationsAssembly));
                    break;
            }
        }, ServiceLifetime.Scoped);
        return services;
    }

    /// <summary>Applies pending migrations where <c>Database:MigrateAtStartup</c> says so (SQLite by default).</summary>
    public static async Task MigrateIfConfiguredAsync(this IServiceProvider services, CancellationToken cancellationToken = default)
    {
        await using var scope = services.CreateAsyncScope();
        var options = scope.ServiceProvider.GetRequiredService<IOptions<DatabaseOptions>>().Value;
        var database = scope.ServiceProvider.GetRequiredService<PortalDbContext>();
        if (options.MigrateAtStartup ?? options.Provider == DatabaseProvider.Sqlite)
        {
            await database.Database.MigrateAsync(cancellationToken);
            if (options.Provider == DatabaseProvider.Sqlite)
            {
                // Write-ahead logging lets the web app read while the worker writes.
                await database.Database.ExecuteSqlRawAsync("PRAGMA journal_mode=WAL;", cancellationToken);
            }
        }
    }
}
