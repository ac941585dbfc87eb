using System.Collections.Concurrent;
using Microsoft.Playwright;
using Portal.E2E.Infrastructure;
using static Microsoft.Playwright.Assertions;

namespace Portal.E2E;

/// <summary>
/// The landing, pricing and models pages need no live connection: an anonymous visitor reading them opens no
/// circuit (no request to /_blazor, no WebSocket), while the menu and the theme switch still work. The same
/// watcher sees the circuit a signed-in page opens, so a silent watcher cannot pass this test.
/// </summary>
[Collection(PortalCollection.Name)]
public sealed class StaticPagesHoldNoCircuit(PortalServer server)
{
    [Fact]
    public async Task Landing_pricing_and_models_open_no_blazor_connection_and_their_menu_and_theme_still_work()
    {
        var page = await server.NewPageAsync();
        var circuitTraffic = Watch(page);

        foreach (var path in new[] { "/", "/pricing", "/models" })
        {
            await page.OpenAsync(path);
            // Give blazor.web.js every chance to start a circuit: it would do so as soon as the page has loaded.
            await page.WaitForLoadStateAsync(LoadState.NetworkIdle);
            Assert.True(circuitTraffic.IsEmpty, $"{path} opened a live connection: {string.Join(", ", circuitTraffic)}");
        }

        // The menu is a disclosure and its links lead on, still without a circuit.
        await page.OpenAsync("/");
        await page.GetByTestId("nav-toggle").ClickAsync();
        await page.GetByRole(AriaRole.Navigation, new() { Name = "Main" }).GetByRole(AriaRole.Link, new() { Name = "Pricing", Exact = true }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Pricing", Level = 1 })).ToBeVisibleAsync();

        // The theme switch is a form post that comes back to the same page, dark.
        await page.GetByTestId("theme-toggle").ClickAsync();
        await Expect(page.GetByRole(AriaRole.Button, new() { Name = "Switch to light theme" })).ToBeVisibleAsync();
        Assert.EndsWith("/pricing", page.Url, StringComparison.Ordinal);
        await page.WaitForLoadStateAsync(LoadState.NetworkIdle);
        Assert.True(circuitTraffic.IsEmpty, $"The menu or the theme switch opened a live connection: {string.Join(", ", circuitTraffic)}");

        // A signed-in page does open one, and the watcher sees it.
        var email = AccountSteps.NewEmail();
        var signedIn = await AccountSteps.NewConfirmedUserAsync(server, email);
        var signedInTraffic = Watch(signedIn);
        await AccountSteps.LogInAsync(signedIn, email);
        Assert.Contains(signedInTraffic, url => url.Contains("/_blazor", StringComparison.Ordinal));
    }

    /// <summary>Every request to /_blazor and every WebSocket the page opens, by address.</summary>
    private static ConcurrentQueue<string> Watch(IPage page)
    {
        var seen = new ConcurrentQueue<string>();
        page.Request += (_, request) =>
        {
            if (request.Url.Contains("/_blazor", StringComparison.Ordinal))
            {
                seen.Enqueue(request.Url);
            }
        };
        page.WebSocket += (_, socket) => seen.Enqueue(socket.Url);
        return seen;
    }
}
