using Microsoft.Playwright;
using Portal.E2E.Infrastructure;
using static Microsoft.Playwright.Assertions;

namespace Portal.E2E;

/// <summary>
/// WebAuthn refuses an IP address as the relying party. Reached by IP (a LAN, 127.0.0.1) the log-in page offers
/// no passkeys and logs no error; reached by name it offers them.
/// </summary>
[Collection(PortalCollection.Name)]
public sealed class PasskeysNeedADomain(PortalServer server)
{
    [Fact]
    public async Task The_log_in_page_reached_by_IP_address_hides_passkeys_and_logs_no_console_error()
    {
        Assert.Contains("://127.0.0.1:", server.BaseUrl, StringComparison.Ordinal);
        var page = await server.NewPageAsync();
        var errors = CollectConsoleErrors(page);

        await page.OpenAsync("/Account/Login");
        await Expect(page.GetByRole(AriaRole.Button, new() { Name = "Log in", Exact = true })).ToBeVisibleAsync();
        await WaitForScriptsAsync(page);

        await Expect(page.GetByTestId("passkey-login")).ToHaveCountAsync(0);
        Assert.Empty(errors);
    }

    [Fact]
    public async Task The_log_in_page_reached_by_name_offers_passkeys()
    {
        var page = await server.NewPageAsync(baseUrl: server.LocalhostUrl);
        var errors = CollectConsoleErrors(page);

        await page.OpenAsync("/Account/Login");
        await WaitForScriptsAsync(page);

        await Expect(page.GetByTestId("passkey-login")).ToBeVisibleAsync();
        Assert.Empty(errors);
    }

    private static List<string> CollectConsoleErrors(IPage page)
    {
        var errors = new List<string>();
        page.Console += (_, message) =>
        {
            if (message.Type == "error")
            {
                errors.Add(message.Text);
            }
        };
        page.PageError += (_, error) => errors.Add(error);
        return errors;
    }

    /// <summary>The passkey script is a module: wait until it has defined its element and run its first checks.</summary>
    private static async Task WaitForScriptsAsync(IPage page)
    {
        await page.WaitForFunctionAsync("() => customElements.get('passkey-submit') !== undefined");
        await page.WaitForLoadStateAsync(LoadState.NetworkIdle);
    }
}
