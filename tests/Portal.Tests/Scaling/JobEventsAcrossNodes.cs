using System.Collections.Concurrent;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Portal.Core.Jobs;
using Portal.Models;
using Portal.Tests.Infrastructure;

namespace Portal.Tests.Scaling;

/// <summary>
/// Two nodes in one test: a web node without a worker and a worker node, sharing the SQLite file, the blob
/// container and a Redis server (Debian's redis-server on a free port).
/// </summary>
public sealed class TwoNodesOnRedis : IDisposable
{
    public TwoNodesOnRedis()
    {
        Web = new BlobPortalFactory();
        Web.Settings["Jobs:RunWorker"] = "false";
        Web.Settings["Redis:Configuration"] = RedisServer.Configuration;
        Worker = new BlobPortalFactory();
        Worker.Settings["Storage:DataPath"] = Web.DataPath;
        Worker.Settings["Storage:AzureBlob:Container"] = Web.Container;
        Worker.Settings["Redis:Configuration"] = RedisServer.Configuration;
        // Without Redis this worker would look at the queue only every 10 minutes: only a relayed wake-up starts a job soon.
        Worker.Settings["Jobs:PollSeconds"] = "600";
    }

    public BlobPortalFactory Web { get; }

    public BlobPortalFactory Worker { get; }

    public void Dispose()
    {
        Worker.Dispose();
        Web.Dispose();
    }
}

public sealed class JobEventsAcrossNodes(TwoNodesOnRedis nodes) : IClassFixture<TwoNodesOnRedis>
{
    [Fact]
    public async Task A_page_on_the_web_node_follows_a_job_that_runs_on_the_worker_node_and_a_submit_wakes_that_worker()
    {
        var (client, userId) = await TestAccounts.SignInAsync(nodes.Web);
        var image = await Uploads.UploadFixtureAsync(client, "photo.png");
        _ = nodes.Worker.Services; // the worker node starts, finds nothing queued and sleeps
        await Task.Delay(1000);
        var received = new ConcurrentQueue<(JobUpdate Update, DateTime At)>();
        using var page = nodes.Web.Services.GetRequiredService<JobEvents>().Subscribe(u =>
        {
            received.Enqueue((u, DateTime.UtcNow));
            return Task.CompletedTask;
        });

        using var scope = nodes.Web.Services.CreateScope();
        var submitted = await scope.ServiceProvider.GetRequiredService<JobService>()
            .SubmitAsync(userId, Guid.NewGuid(), [new JobRequest(image.Id, ContentType.Art, QualityLevel.Fast, 2)]);
        Assert.True(submitted.Succeeded, submitted.Error);
        var jobId = submitted.JobIds[0];
        var job = await TestJobs.WaitForAsync(nodes.Web, jobId, JobStatus.Succeeded, timeoutSeconds: 60);

        // Woken through Redis: claimed within seconds although the worker node polls only every 10 minutes.
        Assert.True(job.StartedAt - job.CreatedAt < TimeSpan.FromSeconds(10), $"Claimed {(job.StartedAt - job.CreatedAt)?.TotalSeconds:F1} s after the submit.");
        // The page on the web node heard the worker node: the job starting, and its end within a second of it.
        var deadline = DateTime.UtcNow.AddSeconds(5);
        while (!received.Any(r => r.Update.JobId == jobId && r.Update.Status == JobStatus.Succeeded) && DateTime.UtcNow < deadline)
        {
            await Task.Delay(20);
        }

        Assert.Contains(received, r => r.Update.JobId == jobId && r.Update.Status == JobStatus.Running);
        var done = Assert.Single(received, r => r.Update.JobId == jobId && r.Update.Status == JobStatus.Succeeded);
        Assert.True(done.At - job.CompletedAt!.Value < TimeSpan.FromSeconds(1), $"The end reached the web node {(done.At - job.CompletedAt!.Value).TotalMilliseconds:F0} ms after it was recorded.");
    }

    [Fact]
    public async Task Both_nodes_report_redis_healthy()
    {
        foreach (var node in new[] { nodes.Web, nodes.Worker })
        {
            using var health = JsonDocument.Parse(await node.CreateClient().GetStringAsync("/healthz"));
            Assert.Equal("Healthy", health.RootElement.GetProperty("checks").GetProperty("redis").GetProperty("status").GetString());
        }
    }
}

/// <summary>Redis configured but down: the portal still starts, jobs still run and pages still hear their own node.</summary>
public sealed class RedisDown : BlobPortalFactory
{
    public RedisDown() => Settings["Redis:Configuration"] = RedisServer.Unreachable;
}

public sealed class JobEventsWithoutRedis(RedisDown portal) : IClassFixture<RedisDown>
{
    [Fact]
    public async Task With_redis_down_jobs_still_run_updates_still_reach_pages_on_the_same_node_and_health_says_degraded()
    {
        var (client, userId) = await TestAccounts.SignInAsync(portal);
        var image = await Uploads.UploadFixtureAsync(client, "photo.png");
        var received = new ConcurrentQueue<JobUpdate>();
        using var page = portal.Services.GetRequiredService<JobEvents>().Subscribe(u =>
        {
            received.Enqueue(u);
            return Task.CompletedTask;
        });

        using var scope = portal.Services.CreateScope();
        var submitted = await scope.ServiceProvider.GetRequiredService<JobService>()
            .SubmitAsync(userId, Guid.NewGuid(), [new JobRequest(image.Id, ContentType.Art, QualityLevel.Fast, 2)]);
        await TestJobs.WaitForAsync(portal, submitted.JobIds[0], JobStatus.Succeeded, timeoutSeconds: 60);

        var deadline = DateTime.UtcNow.AddSeconds(5);
        while (!received.Any(u => u.Status == JobStatus.Succeeded) && DateTime.UtcNow < deadline)
        {
            await Task.Delay(20);
        }

        Assert.Contains(received, u => u.JobId == submitted.JobIds[0] && u.Status == JobStatus.Succeeded);
        var response = await portal.CreateClient().GetAsync("/healthz");
        using var health = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.Equal("Degraded", health.RootElement.GetProperty("checks").GetProperty("redis").GetProperty("status").GetString());
        Assert.Equal(System.Net.HttpStatusCode.OK, response.StatusCode);
    }
}
