using System.Text.RegularExpressions;
using Microsoft.Playwright;
using Portal.E2E.Infrastructure;
using static Microsoft.Playwright.Assertions;

namespace Portal.E2E;

[Collection(PortalCollection.Name)]
public sealed partial class UpscaleJourney(PortalServer server)
{
    [Fact]
    public async Task Upload_a_photo_watch_it_finish_compare_with_the_slider_and_download_twice_the_size()
    {
        var email = AccountSteps.NewEmail();
        var page = await AccountSteps.NewConfirmedUserAsync(server, email);
        await AccountSteps.LogInAsync(page, email);

        await page.GetByTestId("go-upload").ClickAsync();
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Upscale images" })).ToBeVisibleAsync();
        await Expect(page.GetByTestId("upload-zone")).ToHaveAttributeAsync("data-ready", "true");
        await page.Locator("[data-testid=upload-input]").SetInputFilesAsync(FixturePath("photo.png"));
        await Expect(page.GetByTestId("upload-ok")).ToContainTextAsync("128 x 96 pixels");

        await page.GetByTestId("scale-2").ClickAsync();
        await page.GetByText("Art and anime").ClickAsync();
        await page.GetByTestId("quality-fast").ClickAsync();
        await Expect(page.GetByTestId("cost")).ToHaveTextAsync(OneImageOneCredit());
        await Screenshots.TakeAsync(page, "upload");
        await page.GetByTestId("submit").ClickAsync();

        await Expect(page.GetByTestId("batch-summary")).ToContainTextAsync("1 of 1 done", new() { Timeout = 90_000 });
        await page.GetByTestId("job-row").GetByRole(AriaRole.Link).ClickAsync();
        await Expect(page.GetByTestId("job-status")).ToContainTextAsync("256 x 192 pixels");

        await Screenshots.TakeAsync(page, "result");

        // The slider follows a drag and the keyboard.
        var handle = page.GetByTestId("compare-handle");
        await Expect(handle).ToHaveAttributeAsync("aria-valuenow", "50");
        var box = (await page.Locator("[data-compare-viewport]").BoundingBoxAsync())!;
        await handle.HoverAsync();
        await page.Mouse.DownAsync();
        await page.Mouse.MoveAsync(box.X + (box.Width * 0.2f), box.Y + (box.Height / 2), new() { Steps = 5 });
        await page.Mouse.UpAsync();
        var dragged = int.Parse((await handle.GetAttributeAsync("aria-valuenow"))!);
        Assert.InRange(dragged, 15, 25);
        await handle.FocusAsync();
        await page.Keyboard.PressAsync("End");
        await Expect(handle).ToHaveAttributeAsync("aria-valuenow", "100");

        // 1:1 shows result pixels at screen pixels; zoom is shared by both images.
        await page.GetByTestId("zoom-1to1").ClickAsync();
        var transforms = await page.Locator("[data-compare-layer]").EvaluateAllAsync<string[]>("layers => layers.map(l => l.style.transform)");
        Assert.Equal(transforms[0], transforms[1]);

        var download = await page.RunAndWaitForDownloadAsync(() => page.GetByTestId("download").ClickAsync());
        var saved = Path.Combine(Path.GetTempPath(), $"e2e-{Guid.NewGuid():N}.png");
        await download.SaveAsAsync(saved);
        using (var result = NetVips.Image.NewFromFile(saved))
        {
            Assert.Equal((256, 192), (result.Width, result.Height));
        }

        File.Delete(saved);
        Assert.Matches(ResultName(), download.SuggestedFilename);
    }

    [Fact]
    public async Task A_file_that_is_not_an_image_is_refused_on_the_upload_page_with_its_reason()
    {
        var email = AccountSteps.NewEmail();
        var page = await AccountSteps.NewConfirmedUserAsync(server, email);
        await AccountSteps.LogInAsync(page, email);
        await page.OpenAsync("/upload");
        await Expect(page.GetByTestId("upload-zone")).ToHaveAttributeAsync("data-ready", "true");

        await page.Locator("[data-testid=upload-input]").SetInputFilesAsync(FixturePath("not-an-image.png"));

        await Expect(page.GetByTestId("upload-error")).ToContainTextAsync("not an image in a supported format");
        await Expect(page.GetByTestId("upload-item").Locator("img")).ToHaveCountAsync(0);
        await Expect(page.GetByTestId("upload-refused-icon")).ToBeVisibleAsync();
        await Expect(page.GetByTestId("submit")).ToBeDisabledAsync();
    }

    private static string FixturePath(string name) => Portal.Tests.Infrastructure.RepositoryPaths.Fixture(name);

    [GeneratedRegex(@"^\s*1 image · 1 credit\s*$")]
    private static partial Regex OneImageOneCredit();

    [GeneratedRegex(@"^photo-x2\.png$")]
    private static partial Regex ResultName();
}
