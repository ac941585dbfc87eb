using Portal.E2E.Infrastructure;
using static Microsoft.Playwright.Assertions;

namespace Portal.E2E;

/// <summary>The upload page shows the condition measured at upload (from the upload's answer) and the override.</summary>
[Collection(PortalCollection.Name)]
public sealed class UploadShowsTheDetectedCondition(PortalServer server)
{
    [Fact]
    public async Task A_jpeg_saved_at_quality_60_is_shown_as_compressed_and_the_person_can_treat_it_as_clean()
    {
        var email = AccountSteps.NewEmail();
        var page = await AccountSteps.NewConfirmedUserAsync(server, email);
        await AccountSteps.LogInAsync(page, email);
        var jpeg = Path.Combine(Path.GetTempPath(), $"e2e-q60-{Guid.NewGuid():N}.jpg");
        using (var photo = NetVips.Image.NewFromFile(Path.Combine(Portal.Tests.Infrastructure.RepositoryPaths.Root, "models", "evaluation", "photos", "coffee.png")))
        {
            photo.Jpegsave(jpeg, q: 60);
        }

        try
        {
            await page.OpenAsync("/upload");
            await Expect(page.GetByTestId("upload-zone")).ToHaveAttributeAsync("data-ready", "true");
            await page.Locator("[data-testid=upload-input]").SetInputFilesAsync(jpeg);

            var line = page.GetByTestId("upload-condition");
            await Expect(line).ToContainTextAsync("Detected degraded (compressed): JPEG quality about 6");
            await Expect(line).Not.ToContainTextAsync("as you chose");

            await page.GetByTestId("input-clean").ClickAsync();
            await Expect(line).ToContainTextAsync("Treated as clean as you chose.");
        }
        finally
        {
            File.Delete(jpeg);
        }
    }
}
