using System.Net;
using System.Text.RegularExpressions;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Portal.Core.Data;
using Portal.Core.Jobs;
using Portal.Models;
using Portal.Tests.Infrastructure;

namespace Portal.Tests.Pages;

/// <summary>
/// The job pages as a browser first receives them (prerendered HTML over real HTTP): honest status codes for ids that
/// are not yours, and each job state told once, in words. No worker runs here, so the test sets each state itself.
/// </summary>
public sealed partial class JobPagesSayWhatHappened(JobPagesSayWhatHappened.NoWorkerFactory factory) : IClassFixture<JobPagesSayWhatHappened.NoWorkerFactory>
{
    public sealed class NoWorkerFactory : PortalFactory
    {
        public NoWorkerFactory() => Settings["Jobs:RunWorker"] = "false";
    }

    [Fact]
    public async Task Another_accounts_job_batch_or_passkey_and_a_missing_one_answer_404()
    {
        var (owner, ownerId) = await TestAccounts.SignInAsync(factory);
        var (jobId, batchId) = await SubmitAsync(owner, ownerId);
        var (intruder, _) = await TestAccounts.SignInAsync(factory);

        Assert.Equal(HttpStatusCode.OK, (await owner.GetAsync($"/jobs/{jobId}")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await owner.GetAsync($"/jobs?batch={batchId}")).StatusCode);
        foreach (var path in new[]
                 {
                     $"/jobs/{jobId}", $"/jobs/{Guid.NewGuid()}", $"/jobs?batch={batchId}", $"/jobs?batch={Guid.NewGuid()}",
                     "/Account/Manage/RenamePasskey/AAAA", "/Account/Manage/RenamePasskey/not-base64!",
                 })
        {
            var response = await intruder.GetAsync(path);
            Assert.True(response.StatusCode == HttpStatusCode.NotFound, $"{path} answered {(int)response.StatusCode}.");
            var html = await response.Content.ReadAsStringAsync();
            Assert.Contains("Page not found", html);
            Assert.DoesNotContain("photo.png", html);
        }
    }

    [Fact]
    public async Task A_job_just_claimed_says_it_is_preparing_instead_of_0_of_0_tiles()
    {
        var (client, userId) = await TestAccounts.SignInAsync(factory);
        var (jobId, _) = await SubmitAsync(client, userId);
        await SetAsync(jobId, JobStatus.Running, error: null);

        var html = await client.GetStringAsync($"/jobs/{jobId}");

        Assert.Contains("preparing the image", html);
        Assert.DoesNotContain("0 of 0", html);
        Assert.Contains("1 credit<", Squeeze(html));
    }

    [Fact]
    public async Task A_job_canceled_while_running_says_canceled_once_on_the_list_and_on_its_page()
    {
        var (client, userId) = await TestAccounts.SignInAsync(factory);
        var (jobId, batchId) = await SubmitAsync(client, userId);
        // What the worker writes when a running job is stopped.
        await SetAsync(jobId, JobStatus.Canceled, error: "Canceled.");

        var list = Squeeze(await client.GetStringAsync($"/jobs?batch={batchId}"));
        Assert.Single(Canceled().Matches(list));
        Assert.DoesNotContain("Canceled.", list);

        var page = Squeeze(await client.GetStringAsync($"/jobs/{jobId}"));
        Assert.Single(Canceled().Matches(page));
        Assert.Contains("Canceled. Your credits were refunded.", page);
    }

    [Fact]
    public async Task A_job_page_says_what_protect_faces_did_and_says_nothing_where_it_does_not_apply()
    {
        var (client, userId) = await TestAccounts.SignInAsync(factory);
        var (jobId, _) = await SubmitAsync(client, userId);
        Assert.DoesNotContain("Faces:", await client.GetStringAsync($"/jobs/{jobId}"));

        using (var scope = factory.Services.CreateScope())
        {
            await scope.ServiceProvider.GetRequiredService<PortalDbContext>().Jobs.Where(j => j.Id == jobId).ExecuteUpdateAsync(s => s
                .SetProperty(j => j.FaceProtection, FaceProtection.Protect)
                .SetProperty(j => j.FacesProtected, 2));
        }

        Assert.Contains("Faces: protected; 2 faces were redrawn by the faithful network.", await client.GetStringAsync($"/jobs/{jobId}"));

        using (var scope = factory.Services.CreateScope())
        {
            await scope.ServiceProvider.GetRequiredService<PortalDbContext>().Jobs.Where(j => j.Id == jobId).ExecuteUpdateAsync(s => s
                .SetProperty(j => j.FacesProtected, (int?)null)
                .SetProperty(j => j.FaceProtectionNote, "The face detector could not be loaded: corrupt."));
        }

        Assert.Contains("Faces: not protected. The face detector could not be loaded: corrupt.", await client.GetStringAsync($"/jobs/{jobId}"));
    }

    private async Task<(Guid JobId, Guid BatchId)> SubmitAsync(HttpClient client, string userId)
    {
        var image = await Uploads.UploadFixtureAsync(client, "photo.png");
        var batch = Guid.NewGuid();
        using var scope = factory.Services.CreateScope();
        var result = await scope.ServiceProvider.GetRequiredService<JobService>()
            .SubmitAsync(userId, batch, [new JobRequest(image.Id, ContentType.Art, QualityLevel.Fast, 2)]);
        Assert.True(result.Succeeded, result.Error);
        return (result.JobIds[0], batch);
    }

    private async Task SetAsync(Guid jobId, JobStatus status, string? error)
    {
        using var scope = factory.Services.CreateScope();
        var db = scope.ServiceProvider.GetRequiredService<PortalDbContext>();
        var started = DateTime.UtcNow;
        await db.Jobs.Where(j => j.Id == jobId).ExecuteUpdateAsync(s => s
            .SetProperty(j => j.Status, status)
            .SetProperty(j => j.Error, error)
            .SetProperty(j => j.StartedAt, started)
            .SetProperty(j => j.TilesDone, 0)
            .SetProperty(j => j.TilesTotal, 0));
    }

    /// <summary>The text without the markup's line breaks and indentation.</summary>
    private static string Squeeze(string html) => Whitespace().Replace(html, " ").Replace("> ", ">").Replace(" <", "<");

    [GeneratedRegex(@"\bCanceled\b")]
    private static partial Regex Canceled();

    [GeneratedRegex(@"\s+")]
    private static partial Regex Whitespace();
}
