using System.Text;
using Deque.AxeCore.Playwright;
using Microsoft.Playwright;
using Portal.E2E.Infrastructure;
using static Microsoft.Playwright.Assertions;

namespace Portal.E2E;

/// <summary>axe-core on every page, signed out and in, light and dark: no serious or critical violation.</summary>
[Collection(PortalCollection.Name)]
public sealed class AccessibilityOnEveryPage(PortalServer server)
{
    [Theory]
    [InlineData("light")]
    [InlineData("dark")]
    public async Task Signed_out_pages_have_no_serious_violations(string theme)
    {
        var page = await server.NewPageAsync();
        await UseThemeAsync(page, theme);

        var report = new StringBuilder();
        foreach (var path in PhoneLayout.SignedOutPages)
        {
            await CheckAsync(page, path, theme, report);
        }

        Assert.True(report.Length == 0, report.ToString());
    }

    [Theory]
    [InlineData("light")]
    [InlineData("dark")]
    public async Task Signed_in_pages_have_no_serious_violations(string theme)
    {
        // The admin account sees every page a person can reach, the admin pages included.
        var email = theme == "light" ? PortalServer.AdminEmail : AccountSteps.NewEmail();
        var page = await AccountSteps.NewConfirmedUserAsync(server, email);
        await AccountSteps.LogInAsync(page, email);
        await UseThemeAsync(page, theme);
        var jobUrl = await JobSteps.FinishPhotoJobAsync(page);

        var report = new StringBuilder();
        var pages = PhoneLayout.SignedInPages.Append(new Uri(jobUrl).PathAndQuery);
        if (email == PortalServer.AdminEmail)
        {
            pages = pages.Append("/admin").Append("/admin/economics");
        }

        foreach (var path in pages)
        {
            await CheckAsync(page, path, theme, report);
        }

        await page.OpenAsync("/billing");
        await page.GetByTestId("upgrade-pro").ClickAsync();
        await Expect(page.GetByTestId("test-checkout-banner")).ToBeVisibleAsync();
        await AnalyseAsync(page, "/billing/test-checkout", theme, report);

        Assert.True(report.Length == 0, report.ToString());
    }

    private async Task UseThemeAsync(IPage page, string theme) =>
        await page.Context.AddCookiesAsync([new Cookie { Name = "portal-theme", Value = theme, Url = server.BaseUrl }]);

    private static async Task CheckAsync(IPage page, string path, string theme, StringBuilder report)
    {
        await page.OpenAsync(path);
        await Expect(page.Locator("h1").First).ToBeVisibleAsync();
        await AnalyseAsync(page, path, theme, report);
    }

    private static async Task AnalyseAsync(IPage page, string path, string theme, StringBuilder report)
    {
        // Let the page settle: images loaded, the live connection's first render done.
        await page.WaitForLoadStateAsync(LoadState.NetworkIdle);
        var result = await page.RunAxe();
        foreach (var violation in result.Violations.Where(v => v.Impact is "serious" or "critical"))
        {
            report.AppendLine($"{path} ({theme}): {violation.Id} [{violation.Impact}] {violation.Help}");
            foreach (var node in violation.Nodes.Take(4))
            {
                var why = string.Join("; ", node.Any.Concat(node.All).Concat(node.None).Select(c => c.Message));
                report.AppendLine($"    {node.Target} :: {why}");
            }
        }
    }
}
