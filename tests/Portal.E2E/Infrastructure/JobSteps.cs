using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Portal.E2E.Infrastructure;

/// <summary>Job steps shared by the browser tests: one small photo upscaled 2x with the fastest network.</summary>
public static class JobSteps
{
    public static string FixturePath(string name) => Portal.Tests.Infrastructure.RepositoryPaths.Fixture(name);

    /// <summary>Uploads photo.png, starts a Fast 2x job, waits for it to finish and opens its page; returns the page's address.</summary>
    public static async Task<string> FinishPhotoJobAsync(IPage page)
    {
        await SubmitPhotoJobAsync(page);
        await Expect(page.GetByTestId("batch-summary")).ToContainTextAsync("1 of 1 done", new() { Timeout = 90_000 });
        await page.GetByTestId("job-row").GetByRole(AriaRole.Link).ClickAsync();
        await Expect(page.GetByTestId("job-status")).ToContainTextAsync("256 x 192 pixels");
        await WaitForInteractiveAsync(page);
        return page.Url;
    }

    /// <summary>Uploads photo.png and submits a Fast 2x job from the upload page.</summary>
    public static async Task SubmitPhotoJobAsync(IPage page)
    {
        await page.OpenAsync("/upload");
        await Expect(page.GetByTestId("upload-zone")).ToHaveAttributeAsync("data-ready", "true");
        await page.Locator("[data-testid=upload-input]").SetInputFilesAsync(FixturePath("photo.png"));
        await Expect(page.GetByTestId("upload-ok")).ToContainTextAsync("128 x 96 pixels");
        await page.GetByTestId("scale-2").ClickAsync();
        await page.GetByText("Art and anime").ClickAsync();
        await page.GetByTestId("quality-fast").ClickAsync();
        await page.GetByTestId("submit").ClickAsync();
    }

    /// <summary>
    /// Waits until the page is settled: its live connection rendered it and its router handles links (the layout
    /// says "live"), or it was rendered statically and no circuit will replace it ("static"). The layout renders
    /// "starting" on a prerendered page until then.
    /// </summary>
    public static Task WaitForInteractiveAsync(IPage page) =>
        page.Locator("[data-testid=app-bar][data-render=live], [data-testid=app-bar][data-render=static]").WaitForAsync();
}
