using Microsoft.Playwright;
using Portal.E2E.Infrastructure;
using static Microsoft.Playwright.Assertions;

namespace Portal.E2E;

[Collection(PortalCollection.Name)]
public sealed class ThemeAndLayout(PortalServer server)
{
    [Fact]
    public async Task The_dark_theme_is_remembered_for_the_account_on_another_browser()
    {
        var email = AccountSteps.NewEmail();
        var page = await AccountSteps.NewConfirmedUserAsync(server, email);
        await AccountSteps.LogInAsync(page, email);
        await WaitForBackgroundAsync(page, Light);

        await page.GetByTestId("theme-toggle").ClickAsync();
        await Expect(page.GetByRole(AriaRole.Button, new() { Name = "Switch to light theme" })).ToBeVisibleAsync();
        await WaitForBackgroundAsync(page, Dark);

        await page.ReloadSettledAsync();
        await Expect(page.GetByTestId("dashboard-title")).ToBeVisibleAsync();
        await WaitForBackgroundAsync(page, Dark);

        // A fresh browser has no cookie: logging in restores the account's choice.
        var other = await server.NewPageAsync();
        await AccountSteps.LogInAsync(other, email);
        await WaitForBackgroundAsync(other, Dark);
    }

    [Fact]
    public async Task The_landing_page_fits_a_phone_screen_and_shows_the_tiers()
    {
        var page = await server.NewPageAsync(width: 390, height: 844);
        await page.OpenAsync("/");

        await Expect(page.GetByRole(AriaRole.Heading, new() { Level = 1 })).ToContainTextAsync("Sharper, larger images");
        await Expect(page.GetByTestId("tier-studio")).ToBeVisibleAsync();
        var overflow = await page.EvaluateAsync<int>("document.documentElement.scrollWidth - window.innerWidth");
        Assert.True(overflow <= 0, $"The page is {overflow}px wider than a phone screen.");
    }

    [Fact]
    public async Task Navigation_drawer_opens_from_the_menu_button()
    {
        var email = AccountSteps.NewEmail();
        var page = await AccountSteps.NewConfirmedUserAsync(server, email);
        await AccountSteps.LogInAsync(page, email);

        await page.GetByRole(AriaRole.Button, new() { Name = "Toggle navigation" }).ClickAsync();
        await page.GetByRole(AriaRole.Link, new() { Name = "Pricing" }).ClickAsync();

        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Pricing", Level = 1 })).ToBeVisibleAsync();
    }

    [Fact]
    public async Task A_tap_on_the_theme_switch_on_a_phone_leaves_no_tooltip_on_screen()
    {
        var page = await server.NewPageAsync(width: 390, height: 844, touch: true);
        await page.OpenAsync("/");

        await page.GetByTestId("theme-toggle").TapAsync();

        await Expect(page.GetByRole(AriaRole.Button, new() { Name = "Switch to light theme" })).ToBeVisibleAsync();
        await WaitForBackgroundAsync(page, Dark);
        await Expect(page.Locator(".mud-tooltip:visible")).ToHaveCountAsync(0);
    }

    // The palettes' page backgrounds (PortalTheme): light #f8fafc, dark #0b1020.
    private const string Light = "rgb(248, 250, 252)";
    private const string Dark = "rgb(11, 16, 32)";

    /// <summary>The theme's style element is replaced after a switch; wait for the computed colour to settle.</summary>
    private static async Task WaitForBackgroundAsync(IPage page, string expected)
    {
        var deadline = DateTime.UtcNow.AddSeconds(20);
        string actual;
        while ((actual = await page.EvaluateAsync<string>("getComputedStyle(document.body).backgroundColor")) != expected)
        {
            Assert.True(DateTime.UtcNow < deadline, $"The page background stayed {actual}, expected {expected}.");
            await Task.Delay(100);
        }
    }
}
