using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using Portal.Tests.Infrastructure;

namespace Portal.E2E.Infrastructure;

/// <summary>
/// The portal on a real Kestrel port with a fresh data folder, and Debian's Chromium driven by Playwright.
/// No browser is downloaded: Playwright launches /usr/bin/chromium (or PORTAL_CHROMIUM).
/// </summary>
public class PortalServer : IAsyncLifetime
{
    private IPlaywright? playwright;

    public PortalFactory Factory { get; } = new();

    public string BaseUrl { get; private set; } = "";

    public IBrowser Browser { get; private set; } = null!;

    /// <summary>An account with this address gets the Admin role when it registers (to walk the admin page too).</summary>
    public const string AdminEmail = "admin-e2e@example.test";

    public async Task InitializeAsync()
    {
        Factory.Settings["Admin:Emails:0"] = AdminEmail;
        Configure(Factory.Settings);
        Factory.UseKestrel(0);
        Factory.StartServer();
        var addresses = Factory.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses;
        BaseUrl = addresses.First().Replace("[::]", "127.0.0.1", StringComparison.Ordinal).TrimEnd('/');

        // CI machines have two cores shared with the server under test: give the page time to settle.
        Assertions.SetDefaultExpectTimeout(20_000);
        playwright = await Playwright.CreateAsync();
        Browser = await playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = Environment.GetEnvironmentVariable("PORTAL_CHROMIUM") ?? "/usr/bin/chromium",
            Headless = true,
            // Root in CI needs --no-sandbox; the rest keeps Chromium from calling out of a closed network.
            Args = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run"],
        });
    }

    /// <summary>Settings of a variant of the portal (e.g. one without its own worker), applied before it starts.</summary>
    protected virtual void Configure(Dictionary<string, string> settings)
    {
    }

    /// <summary>The same server by name rather than by IP address (WebAuthn needs a domain).</summary>
    public string LocalhostUrl => BaseUrl.Replace("127.0.0.1", "localhost", StringComparison.Ordinal);

    public async Task<IPage> NewPageAsync(int width = 1280, int height = 900, bool touch = false, string? baseUrl = null)
    {
        var context = await Browser.NewContextAsync(new BrowserNewContextOptions
        {
            BaseURL = baseUrl ?? BaseUrl,
            ViewportSize = new ViewportSize { Width = width, Height = height },
            HasTouch = touch,
            IsMobile = touch,
            AcceptDownloads = true,
        });
        context.SetDefaultTimeout(20_000);
        await CspViolations.WatchAsync(context);
        return await context.NewPageAsync();
    }

    public async Task DisposeAsync()
    {
        if (Browser is not null)
        {
            await Browser.DisposeAsync();
        }

        playwright?.Dispose();
        await Factory.DisposeAsync();
    }
}

[CollectionDefinition(Name)]
public sealed class PortalCollection : ICollectionFixture<PortalServer>
{
    public const string Name = "portal";
}
