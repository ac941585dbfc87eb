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
        var lightBackground = await BackgroundAsync(page);

        await page.GetByTestId("theme-toggle").ClickAsync();
        await Expect(page.GetByRole(AriaRole.Button, new() { Name = "Switch to light theme" })).ToBeVisibleAsync();
        var darkBackground = await BackgroundAsync(page);
        Assert.NotEqual(lightBackground, darkBackground);

        await page.ReloadAsync();
        await Expect(page.GetByTestId("dashboard-title")).ToBeVisibleAsync();
        Assert.Equal(darkBackground, await BackgroundAsync(page));

        // A fresh browser has no cookie: logging in restores the account's choice.
        var other = await server.NewPageAsync();
        await AccountSteps.LogInAsync(other, email);
        Assert.Equal(darkBackground, await BackgroundAsync(other));
    }

    [Fact]
    public async Task The_landing_page_fits_a_phone_screen_and_shows_the_tiers()
    {
        var page = await server.NewPageAsync(width: 390, height: 844);
        await page.GotoAsync("/");

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

    private static Task<string> BackgroundAsync(IPage page) =>
        page.EvaluateAsync<string>("getComputedStyle(document.body).backgroundColor");
}
