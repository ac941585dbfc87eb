using Microsoft.Playwright;
using Portal.E2E.Infrastructure;
using static Microsoft.Playwright.Assertions;

namespace Portal.E2E;

/// <summary>
/// Leaving the upload page inside the live app (the document stays, only the page closes) aborts an upload
/// still on its way and releases the previews' object URLs, so neither outlives the page.
/// </summary>
[Collection(PortalCollection.Name)]
public sealed class UploadsStopWhenThePageCloses(PortalServer server)
{
    [Fact]
    public async Task Leaving_the_upload_page_aborts_the_running_upload_and_revokes_its_preview()
    {
        var email = AccountSteps.NewEmail();
        var page = await AccountSteps.NewConfirmedUserAsync(server, email);
        await AccountSteps.LogInAsync(page, email);

        // The upload is held at the network layer, so it is still running when the page closes.
        var held = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await page.RouteAsync("**/api/uploads", _ =>
        {
            held.TrySetResult();
            return Task.CompletedTask;
        });
        var failed = new TaskCompletionSource<string?>(TaskCreationOptions.RunContinuationsAsynchronously);
        page.RequestFailed += (_, request) =>
        {
            if (request.Url.Contains("/api/uploads", StringComparison.Ordinal))
            {
                failed.TrySetResult(request.Failure);
            }
        };

        await page.OpenAsync("/upload");
        await Expect(page.GetByTestId("upload-zone")).ToHaveAttributeAsync("data-ready", "true");
        await page.Locator("[data-testid=upload-input]").SetInputFilesAsync(JobSteps.FixturePath("photo.png"));
        await held.Task.WaitAsync(TimeSpan.FromSeconds(30));
        var preview = await page.GetByTestId("upload-item").Locator("img").GetAttributeAsync("src");
        Assert.StartsWith("blob:", preview);
        Assert.True(await CanReadAsync(page, preview!), "The preview should be readable while the page is open.");
        Assert.False(failed.Task.IsCompleted);

        await page.GetByRole(AriaRole.Button, new() { Name = "Toggle navigation" }).ClickAsync();
        await page.GetByRole(AriaRole.Navigation, new() { Name = "Main" }).GetByRole(AriaRole.Link, new() { Name = "Jobs", Exact = true }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Recent jobs", Level = 1 })).ToBeVisibleAsync();

        var failure = await failed.Task.WaitAsync(TimeSpan.FromSeconds(20));
        Assert.Contains("ABORTED", failure ?? "", StringComparison.OrdinalIgnoreCase);
        Assert.False(await CanReadAsync(page, preview!), "The preview's object URL outlived the page.");
    }

    /// <summary>Loads the URL as an image (the policy allows blob: images, not blob: fetches): a revoked URL fails.</summary>
    private static Task<bool> CanReadAsync(IPage page, string url) =>
        page.EvaluateAsync<bool>("url => new Promise(done => { const image = new Image(); image.onload = () => done(true); image.onerror = () => done(false); image.src = url; })", url);
}
