using Microsoft.Playwright;
using Portal.E2E.Infrastructure;
using static Microsoft.Playwright.Assertions;

namespace Portal.E2E;

/// <summary>Pages rendered without a live connection (billing, the test checkout, account pages) still have the menu.</summary>
[Collection(PortalCollection.Name)]
public sealed class NavigationOnEveryPage(PortalServer server)
{
    [Theory]
    [InlineData(390, 844)]
    [InlineData(1280, 900)]
    public async Task Billing_and_the_test_checkout_open_the_menu_and_lead_to_the_other_pages(int width, int height)
    {
        var email = AccountSteps.NewEmail();
        var page = await AccountSteps.NewConfirmedUserAsync(server, email);
        await page.SetViewportSizeAsync(width, height);
        await AccountSteps.LogInAsync(page, email);

        await page.OpenAsync("/billing");
        await OpenMenuAndFollowAsync(page, "Gallery");
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Gallery", Level = 1 })).ToBeVisibleAsync();

        await page.OpenAsync("/billing");
        await page.GetByTestId("upgrade-pro").ClickAsync();
        await Expect(page.GetByTestId("test-checkout-banner")).ToBeVisibleAsync();
        await OpenMenuAndFollowAsync(page, "Billing");
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Billing", Level = 1 })).ToBeVisibleAsync();

        await page.OpenAsync("/Account/Manage");
        await OpenMenuAndFollowAsync(page, "Dashboard");
        await Expect(page.GetByTestId("dashboard-title")).ToBeVisibleAsync();
    }

    private static async Task OpenMenuAndFollowAsync(IPage page, string link)
    {
        var target = page.GetByRole(AriaRole.Navigation, new() { Name = "Main" }).GetByRole(AriaRole.Link, new() { Name = link, Exact = true });
        await Expect(target).ToBeHiddenAsync();
        await page.GetByTestId("nav-toggle").ClickAsync();
        await target.ClickAsync();
    }
}
