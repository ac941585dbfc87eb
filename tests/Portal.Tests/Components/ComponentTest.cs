using Bunit;
using MudBlazor.Services;

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
}
