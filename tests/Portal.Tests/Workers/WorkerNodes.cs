using System.Net.Http.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Portal.Core.Billing;
using Portal.Core.Data;
using Portal.Core.Jobs;
using Portal.Core.Storage;
using Portal.Models;
using Portal.Tests.Infrastructure;

namespace Portal.Tests.Workers;

/// <summary>The web node without a worker of its own; its jobs run in worker-only processes (src/Portal.Worker).</summary>
public sealed class WebNodeWithoutWorker : BlobPortalFactory
{
    public WebNodeWithoutWorker() => Settings["Jobs:RunWorker"] = "false";
}

/// <summary>
/// Several machines in one test: the portal (web node, in this process) and worker processes sharing its SQLite
/// file and its blob container (Azurite). Jobs finish exactly once and are charged once, whatever the workers do.
/// </summary>
public sealed class WorkerNodes(WebNodeWithoutWorker portal) : IClassFixture<WebNodeWithoutWorker>
{
    // Short leases, so the job of a killed worker is claimed again within seconds.
    private static readonly Dictionary<string, string> FastLeases = new() { ["Jobs__LeaseSeconds"] = "5" };

    [Fact]
    public async Task Two_workers_run_a_batch_and_when_one_is_killed_mid_job_every_job_still_finishes_once_and_is_charged_once()
    {
        const int jobCount = 30;
        var (userId, requests) = await PrepareAsync(jobCount);
        var before = await BalanceAsync(userId);
        var metricsPort = LoopbackService.FreePort();
        using var first = WorkerProcess.Start(portal, FastLeases);
        using var second = WorkerProcess.Start(portal, new Dictionary<string, string>(FastLeases) { ["Telemetry__WorkerMetricsPort"] = $"{metricsPort}" });

        var submitted = await SubmitAsync(userId, requests);
        // Kill the first worker while it holds a job (as a crash or a lost machine would).
        var held = await WaitForJobHeldByAsync(first, submitted.JobIds, TimeSpan.FromSeconds(90));
        first.Kill();

        var jobs = await WaitForAllAsync(submitted.JobIds, TimeSpan.FromSeconds(240), second);
        Assert.All(jobs, j => Assert.Equal(JobStatus.Succeeded, j.Status));
        Assert.Equal(before - submitted.Cost, await BalanceAsync(userId));
        using var scope = portal.Services.CreateScope();
        var db = scope.ServiceProvider.GetRequiredService<PortalDbContext>();
        var references = submitted.JobIds.Select(id => id.ToString()).ToList();
        var entries = await db.CreditEntries.AsNoTracking().Where(e => references.Contains(e.Reference!)).ToListAsync();
        Assert.Equal(jobCount, entries.Count(e => e.Kind == CreditEntryKind.Reserve));
        Assert.DoesNotContain(entries, e => e.Kind == CreditEntryKind.Refund);
        Assert.All(submitted.JobIds, id => Assert.Single(entries, e => e.Kind == CreditEntryKind.Reserve && e.Reference == id.ToString()));
        // The job the killed worker held was claimed again by the survivor and completed there.
        Assert.Equal(2, jobs.Single(j => j.Id == held).Attempts);
        var store = scope.ServiceProvider.GetRequiredService<IFileStore>();
        foreach (var job in jobs)
        {
            Assert.True(await store.ExistsAsync(job.ResultKey!), $"The result of job {job.Id} is not in the blob container.");
        }

        // The surviving worker's own metrics endpoint counts the jobs it ran.
        using var http = new HttpClient();
        var metrics = await http.GetStringAsync($"http://localhost:{metricsPort}/metrics");
        Assert.Matches(@"portal_job_run_seconds_count\{[^}]*device=""Cpu""[^}]*\} [1-9]", metrics);
    }

    [Fact]
    public async Task SIGTERM_drains_a_worker_its_job_goes_back_to_the_queue_and_another_worker_finishes_it_once()
    {
        // A job long enough to be caught mid-run: the stronger network on a photo four times the fixture's size.
        var (userId, requests) = await PrepareAsync(1, QualityLevel.Balanced, LargerPhoto());
        var before = await BalanceAsync(userId);
        using var draining = WorkerProcess.Start(portal, new Dictionary<string, string> { ["Engine__CpuThreads"] = "2" });

        var submitted = await SubmitAsync(userId, requests);
        // Past its first tile (the network is loaded and running), so the signal lands mid-job.
        var jobId = await WaitForJobHeldByAsync(draining, submitted.JobIds, TimeSpan.FromSeconds(240), pastFirstTile: true);
        draining.Terminate();

        Assert.True(await draining.WaitForExitAsync(TimeSpan.FromSeconds(30)), "The worker did not stop within 30 s of SIGTERM.\n" + draining.Output);
        Assert.Equal(0, draining.ExitCode);
        var released = await JobAsync(jobId);
        if (released.Status == JobStatus.Queued)
        {
            // Handed back at once: no lease left to wait for, and the interrupted run is not counted as an attempt.
            Assert.Null(released.LeaseOwner);
            Assert.Equal(0, released.Attempts);
            Assert.Contains("handed back to the queue: True", draining.Output, StringComparison.Ordinal);
        }
        else
        {
            // It finished before the signal landed: draining let it complete.
            Assert.True(released.Status == JobStatus.Succeeded, $"The drained job is {released.Status}.\n" + draining.Output);
        }

        using var successor = WorkerProcess.Start(portal);
        var job = (await WaitForAllAsync(submitted.JobIds, TimeSpan.FromSeconds(180), successor)).Single();
        Assert.Equal(JobStatus.Succeeded, job.Status);
        Assert.Equal(before - submitted.Cost, await BalanceAsync(userId));
    }

    private static byte[] LargerPhoto()
    {
        using var photo = NetVips.Image.NewFromFile(Uploads.FixturePath("photo.png"));
        using var larger = photo.Resize(4);
        return larger.WriteToBuffer(".png");
    }

    private async Task<(string UserId, JobRequest[] Requests)> PrepareAsync(int count, QualityLevel quality = QualityLevel.Fast, byte[]? png = null)
    {
        var (client, userId) = await TestAccounts.SignInAsync(portal);
        var response = await Uploads.PostAsync(client, png ?? await File.ReadAllBytesAsync(Uploads.FixturePath("photo.png")), "photo.png", await Uploads.TokenAsync(client));
        Assert.True(response.IsSuccessStatusCode, await response.Content.ReadAsStringAsync());
        var image = (await response.Content.ReadFromJsonAsync<Portal.Web.Features.Uploads.UploadedImage>())!;
        using var scope = portal.Services.CreateScope();
        var billing = scope.ServiceProvider.GetRequiredService<IOptions<BillingOptions>>().Value;
        await scope.ServiceProvider.GetRequiredService<CreditLedger>().AddPackAsync(userId, billing.FindPack("large")!, $"test-{Guid.NewGuid():N}");
        return (userId, Enumerable.Range(0, count).Select(_ => new JobRequest(image.Id, ContentType.Art, quality, 2)).ToArray());
    }

    private async Task<SubmitResult> SubmitAsync(string userId, JobRequest[] requests)
    {
        using var scope = portal.Services.CreateScope();
        var submitted = await scope.ServiceProvider.GetRequiredService<JobService>().SubmitAsync(userId, Guid.NewGuid(), requests);
        Assert.True(submitted.Succeeded, submitted.Error);
        return submitted;
    }

    /// <summary>The first of these jobs that the worker process holds a lease on (worker ids start with the process id).</summary>
    private async Task<Guid> WaitForJobHeldByAsync(WorkerProcess worker, IReadOnlyList<Guid> jobIds, TimeSpan timeout, bool pastFirstTile = false)
    {
        var owner = $"{worker.Id}:";
        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            using var scope = portal.Services.CreateScope();
            var held = await scope.ServiceProvider.GetRequiredService<PortalDbContext>().Jobs.AsNoTracking()
                .Where(j => jobIds.Contains(j.Id) && j.Status == JobStatus.Running && j.LeaseOwner!.StartsWith(owner))
                .Where(j => !pastFirstTile || j.TilesDone >= 1)
                .Select(j => (Guid?)j.Id).FirstOrDefaultAsync();
            if (held is { } id)
            {
                return id;
            }

            Assert.False(worker.HasExited, "The worker stopped on its own:\n" + worker.Output);
            Assert.True(DateTime.UtcNow < deadline, "The worker never claimed a job:\n" + worker.Output);
            await Task.Delay(50);
        }
    }

    private async Task<List<UpscaleJob>> WaitForAllAsync(IReadOnlyList<Guid> jobIds, TimeSpan timeout, WorkerProcess survivor)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            using var scope = portal.Services.CreateScope();
            var jobs = await scope.ServiceProvider.GetRequiredService<PortalDbContext>().Jobs.AsNoTracking().Where(j => jobIds.Contains(j.Id)).ToListAsync();
            if (jobs.All(j => j.Status is not (JobStatus.Queued or JobStatus.Running)))
            {
                return jobs;
            }

            Assert.True(DateTime.UtcNow < deadline,
                $"{jobs.Count(j => j.Status == JobStatus.Succeeded)} of {jobIds.Count} jobs done after {timeout.TotalSeconds} s.\n" + survivor.Output);
            await Task.Delay(200);
        }
    }

    private async Task<UpscaleJob> JobAsync(Guid id)
    {
        using var scope = portal.Services.CreateScope();
        return await scope.ServiceProvider.GetRequiredService<PortalDbContext>().Jobs.AsNoTracking().SingleAsync(j => j.Id == id);
    }

    private Task<int> BalanceAsync(string userId) => Jobs.JobLifecycle.BalanceAsync(portal, userId);
}
