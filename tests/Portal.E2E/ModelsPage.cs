using Microsoft.Playwright;
using Portal.E2E.Infrastructure;
using static Microsoft.Playwright.Assertions;

namespace Portal.E2E;

[Collection(PortalCollection.Name)]
public sealed class ModelsPage(PortalServer server)
{
    [Fact]
    public async Task A_signed_out_visitor_reaches_the_models_page_from_pricing()
    {
        var page = await server.NewPageAsync();
        await page.OpenAsync("/pricing");

        await page.GetByTestId("pricing-models-link").ClickAsync();

        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Models: what each level runs" })).ToBeVisibleAsync();
        await Expect(page.GetByTestId("lineup-photo")).ToContainTextAsync("esrgan-thick-x4");
        await Expect(page.GetByTestId("models-plans")).ToContainTextAsync("Free");
    }
}
