using System.Net;
using Microsoft.Playwright;
using Portal.E2E.Infrastructure;
using static Microsoft.Playwright.Assertions;

namespace Portal.E2E;

/// <summary>Downloads save a file and leave the page alone: same address, same history, Reload still shows the page.</summary>
[Collection(PortalCollection.Name)]
public sealed class DownloadsKeepTheAddress(PortalServer server)
{
    [Fact]
    public async Task Every_download_on_a_job_page_and_in_the_gallery_leaves_the_address_and_history_untouched()
    {
        var email = AccountSteps.NewEmail();
        var page = await AccountSteps.NewConfirmedUserAsync(server, email);
        await AccountSteps.LogInAsync(page, email);
        var jobUrl = await JobSteps.FinishPhotoJobAsync(page);

        // At 1280x900 the whole finished job, download row included, fits the window without scrolling.
        var row = (await page.GetByTestId("download-row").BoundingBoxAsync())!;
        Assert.True(row.Y + row.Height <= 900, $"The download row ends at {row.Y + row.Height}px, below the 900px window.");

        var history = await page.EvaluateAsync<int>("history.length");
        foreach (var (button, extension) in new[] { ("download", ".png"), ("download-png", ".png"), ("download-jpeg", ".jpg"), ("download-webp", ".webp") })
        {
            var download = await page.RunAndWaitForDownloadAsync(() => page.GetByTestId(button).ClickAsync());
            Assert.EndsWith(extension, download.SuggestedFilename);
            Assert.Null(await download.FailureAsync());
            Assert.Equal(jobUrl, page.Url);
            Assert.Equal(history, await page.EvaluateAsync<int>("history.length"));
        }

        var reloaded = await page.ReloadSettledAsync();
        Assert.Equal((int)HttpStatusCode.OK, reloaded!.Status);
        await Expect(page.GetByTestId("job-title")).ToHaveTextAsync("photo.png");
        // Back is pressed on the live page (the reload helper waits for it): pressed while the prerendered page is
        // being swapped for the interactive one, the browser may drop the traversal.

        // One press of Back returns to the page before the job (the batch's list).
        await page.GoBackAsync();
        await Expect(page.GetByTestId("batch-summary")).ToBeVisibleAsync();
        Assert.Contains("/jobs?batch=", page.Url, StringComparison.Ordinal);

        await page.OpenAsync("/gallery");
        await Expect(page.GetByTestId("gallery-item")).ToHaveCountAsync(1);
        await page.GetByRole(AriaRole.Checkbox, new() { Name = "Select photo.png" }).CheckAsync();
        var galleryUrl = page.Url;
        history = await page.EvaluateAsync<int>("history.length");
        var zip = await page.RunAndWaitForDownloadAsync(() => page.GetByTestId("download-zip").ClickAsync());
        Assert.EndsWith(".zip", zip.SuggestedFilename);
        Assert.Equal(galleryUrl, page.Url);
        Assert.Equal(history, await page.EvaluateAsync<int>("history.length"));
        reloaded = await page.ReloadSettledAsync();
        Assert.Equal((int)HttpStatusCode.OK, reloaded!.Status);
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Gallery", Level = 1 })).ToBeVisibleAsync();

        // The gallery's filters are sized to their content; measured on the interactive page (the reload helper
        // waits for it), since the prerendered one is replaced when the circuit starts.
        var statusFilter = page.Locator(".portal-filter").First;
        await Expect(statusFilter).ToBeVisibleAsync();
        var filter = (await statusFilter.BoundingBoxAsync())!;
        Assert.InRange(filter.Width, 100, 260);

        // Another account asking for this job's page gets a real 404 (the file endpoints already did).
        var otherEmail = AccountSteps.NewEmail();
        var other = await AccountSteps.NewConfirmedUserAsync(server, otherEmail);
        await AccountSteps.LogInAsync(other, otherEmail);
        var response = await other.OpenAsync(jobUrl);
        Assert.Equal((int)HttpStatusCode.NotFound, response!.Status);
        await Expect(other.GetByRole(AriaRole.Heading, new() { Name = "Page not found", Level = 1 })).ToBeVisibleAsync();
    }
}
