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
        await page.OpenAsync("/upload");
        await Expect(page.GetByTestId("upload-zone")).ToHaveAttributeAsync("data-ready", "true");
        await page.Locator("[data-testid=upload-input]").SetInputFilesAsync(FixturePath("photo.png"));
        await Expect(page.GetByTestId("upload-ok")).ToContainTextAsync("128 x 96 pixels");
        await page.GetByTestId("scale-2").ClickAsync();
        await page.GetByText("Art and anime").ClickAsync();
        await page.GetByTestId("quality-fast").ClickAsync();
        await page.GetByTestId("submit").ClickAsync();

        await Expect(page.GetByTestId("batch-summary")).ToContainTextAsync("1 of 1 done", new() { Timeout = 90_000 });
        await page.GetByTestId("job-row").GetByRole(AriaRole.Link).ClickAsync();
        await Expect(page.GetByTestId("job-status")).ToContainTextAsync("256 x 192 pixels");
        await WaitForInteractiveAsync(page);
        return page.Url;
    }

    /// <summary>
    /// Waits until the page is settled: its live connection is up (the layout's menu button is the interactive one),
    /// or the page was rendered statically and no circuit will replace it (it carries no server component marker).
    /// </summary>
    public static Task WaitForInteractiveAsync(IPage page) =>
        page.WaitForFunctionAsync("""
            () => {
              const toggle = document.querySelector('[data-testid=nav-toggle]');
              if (!toggle) return false;
              if (toggle.tagName === 'BUTTON') return true;
              const comments = document.createTreeWalker(document, NodeFilter.SHOW_COMMENT);
              while (comments.nextNode()) {
                if (comments.currentNode.data.startsWith('Blazor:{"type":"server"')) return false;
              }
              return true;
            }
            """);
}
