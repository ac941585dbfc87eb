using Bunit;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using MudBlazor.Services;
using Portal.Core.Data;
using Portal.Tests.Infrastructure;

namespace Portal.Tests.Components;

/// <summary>bUnit with MudBlazor's services; MudBlazor's own JavaScript calls are answered loosely.</summary>
public abstract class ComponentTest : BunitContext, IAsyncLifetime
{
    Task IAsyncLifetime.InitializeAsync() => Task.CompletedTask;

    // MudBlazor's services only support asynchronous disposal.
    async Task IAsyncLifetime.DisposeAsync() => await DisposeAsync();

    protected ComponentTest()
    {
        Services.AddMudServices();
        JSInterop.Mode = JSRuntimeMode.Loose;
    }

    /// <summary>
    /// The portal's database on an in-memory SQLite connection, built by the real migrations; pages reach it through
    /// <see cref="IDbContextFactory{TContext}"/>. Returns a context for seeding (the caller disposes it).
    /// </summary>
    protected PortalDbContext AddMigratedDatabase(SqliteConnection connection) => MigratedDatabase.AddTo(Services, connection);
}
