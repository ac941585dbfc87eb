using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;
using Microsoft.Extensions.DependencyInjection;
using Portal.Core.Data;
using Portal.Migrations.Sqlite;
using Portal.Migrations.SqlServer;
using Portal.Tests.Infrastructure;

namespace Portal.Tests.Platform;

public sealed class MigrationsMatchTheModel(PortalFactory factory) : IClassFixture<PortalFactory>
{
    [Fact]
    public void The_sqlite_migrations_have_no_pending_model_changes()
    {
        using var context = new PortalDbContext(SqliteDesignTimeFactory.Options());
        Assert.False(context.Database.HasPendingModelChanges());
        Assert.NotEmpty(context.Database.GetMigrations());
    }

    [Fact]
    public void The_sql_server_migrations_have_no_pending_model_changes()
    {
        using var context = new PortalDbContext(SqlServerDesignTimeFactory.Options());
        Assert.False(context.Database.HasPendingModelChanges());
        Assert.NotEmpty(context.Database.GetMigrations());
    }

    [Fact]
    public void Both_providers_have_the_same_migrations()
    {
        using var sqlite = new PortalDbContext(SqliteDesignTimeFactory.Options());
        using var sqlServer = new PortalDbContext(SqlServerDesignTimeFactory.Options());
        Assert.Equal(
            sqlite.Database.GetMigrations().Select(m => m[15..]),
            sqlServer.Database.GetMigrations().Select(m => m[15..]));
    }

    [Fact]
    public async Task The_running_portal_builds_the_same_model_and_applied_every_migration()
    {
        using var scope = factory.Services.CreateScope();
        var context = scope.ServiceProvider.GetRequiredService<PortalDbContext>();

        Assert.False(context.Database.HasPendingModelChanges());
        Assert.Empty(await context.Database.GetPendingMigrationsAsync());
        Assert.Equal(
            context.Database.GetMigrations(),
            await context.Database.GetAppliedMigrationsAsync());
    }

    [Theory]
    [InlineData(typeof(SqliteDesignTimeFactory))]
    [InlineData(typeof(SqlServerDesignTimeFactory))]
    public void The_migrations_and_the_data_model_load_no_inference(Type migrationsType)
    {
        // Everything the migrations assembly references, transitively: what a migration bundle has to carry.
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var pending = new Stack<System.Reflection.AssemblyName>([migrationsType.Assembly.GetName()]);
        while (pending.TryPop(out var name))
        {
            if (name.Name is null || !seen.Add(name.Name) || name.Name.StartsWith("System", StringComparison.Ordinal))
            {
                continue;
            }

            foreach (var reference in System.Reflection.Assembly.Load(name).GetReferencedAssemblies())
            {
                pending.Push(reference);
            }
        }

        Assert.Contains("Portal.Data", seen);
        Assert.DoesNotContain(seen, n => n is "Portal.Core" or "Portal.Engine" or "Portal.Models" or "NetVips"
            || n.StartsWith("Microsoft.ML.OnnxRuntime", StringComparison.Ordinal));
    }

    [Fact]
    public void The_sql_server_migrations_produce_a_script()
    {
        using var context = new PortalDbContext(SqlServerDesignTimeFactory.Options());
        var script = context.GetService<IMigrator>().GenerateScript();
        Assert.Contains("CREATE TABLE [AspNetUsers]", script);
        Assert.Contains("[PrefersDarkMode] bit NULL", script);
    }
}
