using System.Diagnostics;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Portal.Core.Billing;
using Portal.Core.Data;
using Portal.Core.Jobs;
using Portal.Models;
using Portal.Tests.Infrastructure;

namespace Portal.Tests.Jobs;

public sealed class NoWorkerFactory : PortalFactory
{
    public NoWorkerFactory()
    {
        Settings["Jobs:RunWorker"] = "false";
        Settings["Jobs:LeaseSeconds"] = "5";
        Settings["Jobs:PollSeconds"] = "1";
    }
}

/// <summary>
/// A worker process is killed in the middle of a job: the lease runs out, another worker claims the job again
/// and completes it once, charging once.
/// </summary>
public sealed class WorkerCrash(NoWorkerFactory factory) : IClassFixture<NoWorkerFactory>
{
    [Fact]
    public async Task A_job_whose_worker_process_was_killed_is_claimed_again_and_completed_once()
    {
        var email = TestAccounts.NewEmail();
        var client = await TestAccounts.CreateLoggedInAsync(factory, email);
        var large = Path.Combine(factory.DataPath, "large.png");
        using (var source = NetVips.Image.NewFromFile(Uploads.FixturePath("photo.png")))
        using (var bigger = source.Resize(5))
        {
            bigger.WriteToFile(large);
        }

        var uploaded = await Uploads.PostAsync(client, await File.ReadAllBytesAsync(large), "large.png", await Uploads.TokenAsync(client));
        var image = (await System.Net.Http.Json.HttpContentJsonExtensions.ReadFromJsonAsync<Portal.Web.Features.Uploads.UploadedImage>(uploaded.Content))!;
        string userId;
        Guid jobId;
        using (var scope = factory.Services.CreateScope())
        {
            userId = await scope.ServiceProvider.GetRequiredService<PortalDbContext>().Users.Where(u => u.Email == email).Select(u => u.Id).SingleAsync();
            var submitted = await scope.ServiceProvider.GetRequiredService<JobService>()
                .SubmitAsync(userId, Guid.NewGuid(), [new JobRequest(image.Id, ContentType.Art, QualityLevel.Fast, 4)]);
            Assert.True(submitted.Succeeded, submitted.Error);
            jobId = submitted.JobIds[0];
        }

        // A second process of the portal, sharing the database and the files, takes the job.
        using (var other = StartWorkerProcess())
        {
            try
            {
                await WaitUntilAsync(async db => await db.Jobs.AnyAsync(j => j.Id == jobId && j.Status == JobStatus.Running && j.TilesDone > 0), TimeSpan.FromSeconds(120));
            }
            finally
            {
                other.Kill(entireProcessTree: true);
                await other.WaitForExitAsync();
            }
        }

        using (var scope = factory.Services.CreateScope())
        {
            var job = await scope.ServiceProvider.GetRequiredService<PortalDbContext>().Jobs.AsNoTracking().SingleAsync(j => j.Id == jobId);
            Assert.Equal(JobStatus.Running, job.Status);
            Assert.Equal(1, job.Attempts);
        }

        // This process's worker picks it up once the dead worker's lease expires.
        var worker = ActivatorUtilities.CreateInstance<UpscaleWorker>(factory.Services);
        await worker.StartAsync(CancellationToken.None);
        try
        {
            await WaitUntilAsync(async db => await db.Jobs.AnyAsync(j => j.Id == jobId && j.Status != JobStatus.Running), TimeSpan.FromSeconds(180));
        }
        finally
        {
            await worker.StopAsync(CancellationToken.None);
        }

        using (var scope = factory.Services.CreateScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<PortalDbContext>();
            var job = await db.Jobs.AsNoTracking().SingleAsync(j => j.Id == jobId);
            Assert.Equal(JobStatus.Succeeded, job.Status);
            Assert.Equal(2, job.Attempts);
            Assert.Equal((image.Width * 4, image.Height * 4), (job.OutputWidth, job.OutputHeight));
            var entries = await db.CreditEntries.Where(e => e.Reference == jobId.ToString()).ToListAsync();
            Assert.Equal(CreditEntryKind.Reserve, Assert.Single(entries).Kind);
        }
    }

    private Process StartWorkerProcess() =>
        PortalProcess.Start(factory.DataPath, new Dictionary<string, string> { ["Jobs__LeaseSeconds"] = "5", ["Jobs__PollSeconds"] = "1" });

    private async Task WaitUntilAsync(Func<PortalDbContext, Task<bool>> condition, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            using (var scope = factory.Services.CreateScope())
            {
                if (await condition(scope.ServiceProvider.GetRequiredService<PortalDbContext>()))
                {
                    return;
                }
            }

            Assert.True(DateTime.UtcNow < deadline, "Timed out waiting for the job.");
            await Task.Delay(200);
        }
    }
}
