using Microsoft.Playwright;

namespace Portal.E2E.Infrastructure;

/// <summary>
/// Every page is prerendered and, unless it is rendered statically, replaced when its live circuit starts; a click
/// or a measurement in between can land on the page being swapped. Tests navigate only through these helpers,
/// which return once the page is settled: live, or static with no circuit coming.
/// </summary>
public static class PageNavigation
{
    /// <summary>Opens <paramref name="path"/> and waits until the page is settled.</summary>
    public static async Task<IResponse?> OpenAsync(this IPage page, string path)
    {
        var response = await page.GotoAsync(path);
        await JobSteps.WaitForInteractiveAsync(page);
        return response;
    }

    /// <summary>Reloads the page and waits until it is settled.</summary>
    public static async Task<IResponse?> ReloadSettledAsync(this IPage page)
    {
        var response = await page.ReloadAsync();
        await JobSteps.WaitForInteractiveAsync(page);
        return response;
    }
}
