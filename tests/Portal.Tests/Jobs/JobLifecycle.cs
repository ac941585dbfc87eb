using System.Net;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Portal.Core.Billing;
using Portal.Core.Data;
using Portal.Core.Jobs;
using Portal.Models;
using Portal.Tests.Infrastructure;

namespace Portal.Tests.Jobs;

/// <summary>
/// Upload, submit, the real worker with the real engine and a small committed model, download. Runs on local
/// disk here and on blob storage (Azurite) in <see cref="JobLifecycleOnBlobStorage"/>.
/// </summary>
public class JobLifecycle(PortalFactory factory) : IClassFixture<PortalFactory>
{
    [Fact]
    public async Task A_submitted_job_is_upscaled_by_the_worker_and_the_result_downloads_at_twice_the_size()
    {
        var (client, userId) = await TestAccounts.SignInAsync(factory);
        var image = await Uploads.UploadFixtureAsync(client, "photo.png");
        var before = await BalanceAsync(factory, userId);

        var submitted = await SubmitAsync(factory, userId, Guid.NewGuid(), new JobRequest(image.Id, ContentType.Art, QualityLevel.Fast, 2));

        Assert.True(submitted.Succeeded, submitted.Error);
        var job = await TestJobs.WaitForAsync(factory, submitted.JobIds[0], JobStatus.Succeeded);
        Assert.Equal((256, 192), (job.OutputWidth, job.OutputHeight));
        // The fixture photo is detected as degraded, so art x2 Fast runs its degraded row, the trained art-x2.
        Assert.Equal(InputCondition.Degraded, job.DetectedCondition);
        Assert.Equal("art-x2", job.ModelId);
        Assert.Equal(before - submitted.Cost, await BalanceAsync(factory, userId));
        Assert.NotNull(job.RunMilliseconds);
        Assert.Equal("Cpu", job.Device);

        var result = await client.GetByteArrayAsync($"/api/jobs/{job.Id}/result?download=true");
        using var decoded = NetVips.Image.NewFromBuffer(result);
        Assert.Equal((256, 192), (decoded.Width, decoded.Height));

        var jpeg = await client.GetByteArrayAsync($"/api/jobs/{job.Id}/result?format=jpeg");
        Assert.Equal([0xFF, 0xD8, 0xFF], jpeg[..3]);
        var thumbnail = await client.GetAsync($"/api/jobs/{job.Id}/thumbnail");
        Assert.Equal("image/webp", thumbnail.Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public async Task A_double_submit_with_the_same_batch_creates_one_job_and_charges_once()
    {
        var (client, userId) = await TestAccounts.SignInAsync(factory);
        var image = await Uploads.UploadFixtureAsync(client, "photo.png");
        var batch = Guid.NewGuid();
        var before = await BalanceAsync(factory, userId);
        var request = new JobRequest(image.Id, ContentType.Art, QualityLevel.Fast, 2);

        var results = await Task.WhenAll(SubmitAsync(factory, userId, batch, request), SubmitAsync(factory, userId, batch, request));

        Assert.All(results, r => Assert.True(r.Succeeded, r.Error));
        Assert.Equal(results[0].JobIds, results[1].JobIds);
        using var scope = factory.Services.CreateScope();
        var db = scope.ServiceProvider.GetRequiredService<PortalDbContext>();
        Assert.Equal(1, await db.Jobs.CountAsync(j => j.BatchId == batch));
        Assert.Equal(before - JobPricing.Cost(128, 96, 2, QualityLevel.Fast), await BalanceAsync(factory, userId));
    }

    [Fact]
    public async Task A_damaged_image_fails_with_a_message_and_its_credits_come_back_once()
    {
        var (client, userId) = await TestAccounts.SignInAsync(factory);
        var image = await Uploads.UploadFixtureAsync(client, "photo.png");
        var before = await BalanceAsync(factory, userId);
        // The stored original is damaged after the upload checks (a disk fault): the job must fail cleanly.
        using (var setup = factory.Services.CreateScope())
        {
            var key = await setup.ServiceProvider.GetRequiredService<PortalDbContext>().Images.Where(i => i.Id == image.Id).Select(i => i.StorageKey).SingleAsync();
            var store = setup.ServiceProvider.GetRequiredService<Portal.Core.Storage.IFileStore>();
            using var original = new MemoryStream();
            await using (var read = await store.OpenReadAsync(key))
            {
                await read.CopyToAsync(original);
            }

            await store.WriteAsync(key, new MemoryStream(original.ToArray()[..200]));
        }

        var submitted = await SubmitAsync(factory, userId, Guid.NewGuid(), new JobRequest(image.Id, ContentType.Art, QualityLevel.Fast, 2));
        var job = await TestJobs.WaitForAsync(factory, submitted.JobIds[0], JobStatus.Failed);

        Assert.False(string.IsNullOrWhiteSpace(job.Error));
        Assert.Equal(before, await BalanceAsync(factory, userId));
        using var scope = factory.Services.CreateScope();
        var ledger = scope.ServiceProvider.GetRequiredService<CreditLedger>();
        Assert.False(await ledger.RefundAsync(job.Id, "reported twice"));
        Assert.Equal(before, await BalanceAsync(factory, userId));
        var db = scope.ServiceProvider.GetRequiredService<PortalDbContext>();
        Assert.Equal(1, await db.CreditEntries.CountAsync(e => e.Kind == CreditEntryKind.Refund && e.Reference == job.Id.ToString()));
    }

    [Fact]
    public async Task Options_the_plan_does_not_include_are_refused_and_nothing_is_charged()
    {
        var (client, userId) = await TestAccounts.SignInAsync(factory);
        var image = await Uploads.UploadFixtureAsync(client, "photo.png");
        var before = await BalanceAsync(factory, userId);

        var ultra = await SubmitAsync(factory, userId, Guid.NewGuid(), new JobRequest(image.Id, ContentType.Photo, QualityLevel.Ultra, 4));
        var eight = await SubmitAsync(factory, userId, Guid.NewGuid(), new JobRequest(image.Id, ContentType.Photo, QualityLevel.Balanced, 8));

        Assert.Contains("Ultra quality is not part of the Free plan", ultra.Error);
        Assert.Contains("x8 is not part of the Free plan", eight.Error);
        Assert.Equal(before, await BalanceAsync(factory, userId));
    }

    [Fact]
    public async Task Another_users_image_and_results_answer_not_found()
    {
        var (owner, ownerId) = await TestAccounts.SignInAsync(factory);
        var image = await Uploads.UploadFixtureAsync(owner, "photo.png");
        var submitted = await SubmitAsync(factory, ownerId, Guid.NewGuid(), new JobRequest(image.Id, ContentType.Art, QualityLevel.Fast, 2));
        var job = await TestJobs.WaitForAsync(factory, submitted.JobIds[0], JobStatus.Succeeded);
        var (intruder, intruderId) = await TestAccounts.SignInAsync(factory);

        Assert.Equal(HttpStatusCode.NotFound, (await intruder.GetAsync($"/api/images/{image.Id}")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await intruder.GetAsync($"/api/jobs/{job.Id}/result")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await intruder.GetAsync($"/api/jobs/{job.Id}/thumbnail")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await intruder.GetAsync($"/api/jobs/zip?ids={job.Id}")).StatusCode);
        var stolen = await SubmitAsync(factory, intruderId, Guid.NewGuid(), new JobRequest(image.Id, ContentType.Art, QualityLevel.Fast, 2));
        Assert.False(stolen.Succeeded);
        using var scope = factory.Services.CreateScope();
        var jobs = scope.ServiceProvider.GetRequiredService<JobService>();
        Assert.False(await jobs.CancelAsync(intruderId, job.Id));
        Assert.Equal(0, await jobs.DeleteAsync(intruderId, [job.Id]));
        Assert.Null(await jobs.FindAsync(intruderId, job.Id));
        Assert.Equal(HttpStatusCode.OK, (await owner.GetAsync($"/api/jobs/{job.Id}/result")).StatusCode);
    }

    [Fact]
    public async Task Many_results_download_as_one_zip_and_deleting_removes_rows_and_files()
    {
        var (client, userId) = await TestAccounts.SignInAsync(factory);
        var first = await Uploads.UploadFixtureAsync(client, "photo.png");
        var second = await Uploads.UploadFixtureAsync(client, "texture.png");
        var submitted = await SubmitAsync(factory, userId, Guid.NewGuid(),
            new JobRequest(first.Id, ContentType.Art, QualityLevel.Fast, 2),
            new JobRequest(second.Id, ContentType.Art, QualityLevel.Fast, 2));
        var jobs = new List<UpscaleJob>();
        foreach (var id in submitted.JobIds)
        {
            jobs.Add(await TestJobs.WaitForAsync(factory, id, JobStatus.Succeeded));
        }

        await using (var zip = await client.GetStreamAsync($"/api/jobs/zip?ids={string.Join(',', submitted.JobIds)}"))
        {
            using var archive = new System.IO.Compression.ZipArchive(zip);
            Assert.Equal(["photo-x2.png", "texture-x2.png"], archive.Entries.Select(e => e.Name).Order());
        }

        using var scope = factory.Services.CreateScope();
        var store = scope.ServiceProvider.GetRequiredService<Portal.Core.Storage.IFileStore>();
        Assert.Equal(2, await scope.ServiceProvider.GetRequiredService<JobService>().DeleteAsync(userId, submitted.JobIds.ToList()));
        foreach (var key in jobs.SelectMany(j => new[] { j.ResultKey!, j.ThumbnailKey! }))
        {
            Assert.False(await store.ExistsAsync(key));
        }
        Assert.Equal(HttpStatusCode.NotFound, (await client.GetAsync($"/api/images/{first.Id}")).StatusCode);
    }

    [Fact]
    public async Task Results_past_the_retention_period_are_deleted_and_the_job_says_expired()
    {
        var (client, userId) = await TestAccounts.SignInAsync(factory);
        var image = await Uploads.UploadFixtureAsync(client, "photo.png");
        var first = await SubmitAsync(factory, userId, Guid.NewGuid(), new JobRequest(image.Id, ContentType.Art, QualityLevel.Fast, 2));
        var second = await SubmitAsync(factory, userId, Guid.NewGuid(), new JobRequest(image.Id, ContentType.Art, QualityLevel.Fast, 4));
        var job = await TestJobs.WaitForAsync(factory, first.JobIds[0], JobStatus.Succeeded);
        var other = await TestJobs.WaitForAsync(factory, second.JobIds[0], JobStatus.Succeeded);
        Assert.True(job.ExpiresAt > DateTime.UtcNow.AddDays(6), "The free plan keeps results 7 days.");

        using var scope = factory.Services.CreateScope();
        var db = scope.ServiceProvider.GetRequiredService<PortalDbContext>();
        var store = scope.ServiceProvider.GetRequiredService<Portal.Core.Storage.IFileStore>();
        var retention = scope.ServiceProvider.GetRequiredService<ResultRetention>();
        var originalKey = await db.Images.Where(i => i.Id == image.Id).Select(i => i.StorageKey).SingleAsync();
        await ExpireNowAsync(db, job.Id);

        Assert.True(await retention.SweepAsync() >= 1);

        // The other job still holds a result: the original and the expired job's row stay, the result goes.
        var expired = await db.Jobs.AsNoTracking().SingleAsync(j => j.Id == job.Id);
        Assert.Equal(JobStatus.Expired, expired.Status);
        Assert.False(await store.ExistsAsync(job.ResultKey!));
        Assert.False(await store.ExistsAsync(job.ThumbnailKey!));
        Assert.True(await store.ExistsAsync(originalKey));
        Assert.Equal(HttpStatusCode.NotFound, (await client.GetAsync($"/api/jobs/{job.Id}/result")).StatusCode);

        // When the last result expires, nothing needs the original: it goes, and no row is left pointing at it.
        await ExpireNowAsync(db, other.Id);
        Assert.True(await retention.SweepAsync() >= 1);

        Assert.False(await store.ExistsAsync(originalKey));
        Assert.False(await db.Images.AnyAsync(i => i.Id == image.Id));
        Assert.False(await db.Jobs.AnyAsync(j => j.ImageId == image.Id));
    }

    [Fact]
    public async Task Uploads_never_submitted_are_deleted_after_the_configured_time()
    {
        var (client, _) = await TestAccounts.SignInAsync(factory);
        var stale = await Uploads.UploadFixtureAsync(client, "photo.png");
        var fresh = await Uploads.UploadFixtureAsync(client, "texture.png");
        using var scope = factory.Services.CreateScope();
        var db = scope.ServiceProvider.GetRequiredService<PortalDbContext>();
        var store = scope.ServiceProvider.GetRequiredService<Portal.Core.Storage.IFileStore>();
        var staleKey = await db.Images.Where(i => i.Id == stale.Id).Select(i => i.StorageKey).SingleAsync();
        // Jobs:UnsubmittedUploadHours is 24 by default.
        await db.Images.Where(i => i.Id == stale.Id).ExecuteUpdateAsync(s => s.SetProperty(i => i.CreatedAt, DateTime.UtcNow.AddHours(-25)));

        Assert.True(await scope.ServiceProvider.GetRequiredService<ResultRetention>().DeleteUnsubmittedUploadsAsync() >= 1);

        Assert.False(await db.Images.AnyAsync(i => i.Id == stale.Id));
        Assert.False(await store.ExistsAsync(staleKey));
        Assert.True(await db.Images.AnyAsync(i => i.Id == fresh.Id));
        Assert.Equal(HttpStatusCode.NotFound, (await client.GetAsync($"/api/images/{stale.Id}")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync($"/api/images/{fresh.Id}")).StatusCode);
    }

    [Fact]
    public async Task Many_racing_submits_of_one_batch_create_its_jobs_once_and_charge_once()
    {
        var (client, userId) = await TestAccounts.SignInAsync(factory);
        var image = await Uploads.UploadFixtureAsync(client, "photo.png");
        var batch = Guid.NewGuid();
        var before = await BalanceAsync(factory, userId);
        var request = new JobRequest(image.Id, ContentType.Art, QualityLevel.Fast, 2);

        var results = await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => Task.Run(() => SubmitAsync(factory, userId, batch, request))));

        Assert.All(results, r => Assert.True(r.Succeeded, r.Error));
        Assert.Single(results.Select(r => r.JobIds.Single()).Distinct());
        using var scope = factory.Services.CreateScope();
        var db = scope.ServiceProvider.GetRequiredService<PortalDbContext>();
        Assert.Equal(1, await db.Jobs.CountAsync(j => j.BatchId == batch));
        Assert.Equal(before - JobPricing.Cost(128, 96, 2, QualityLevel.Fast), await BalanceAsync(factory, userId));
    }

    [Fact]
    public async Task The_database_itself_refuses_a_second_job_at_the_same_place_in_a_batch()
    {
        var (client, userId) = await TestAccounts.SignInAsync(factory);
        var image = await Uploads.UploadFixtureAsync(client, "photo.png");
        var batch = Guid.NewGuid();
        using var scope = factory.Services.CreateScope();
        var db = scope.ServiceProvider.GetRequiredService<PortalDbContext>();
        UpscaleJob Job() => new()
        {
            Id = Guid.NewGuid(), UserId = userId, ImageId = image.Id, BatchId = batch, BatchIndex = 0, ModelId = "m",
            Status = JobStatus.Canceled, Scale = 2, Cost = 1, CreatedAt = DateTime.UtcNow,
        };
        db.Jobs.Add(Job());
        await db.SaveChangesAsync();

        db.Jobs.Add(Job());
        await Assert.ThrowsAsync<DbUpdateException>(() => db.SaveChangesAsync());
    }

    private static Task<int> ExpireNowAsync(PortalDbContext db, Guid jobId) =>
        db.Jobs.Where(j => j.Id == jobId).ExecuteUpdateAsync(s => s.SetProperty(j => j.ExpiresAt, DateTime.UtcNow.AddMinutes(-1)));

    internal static async Task<SubmitResult> SubmitAsync(PortalFactory factory, string userId, Guid batch, params JobRequest[] requests)
    {
        using var scope = factory.Services.CreateScope();
        return await scope.ServiceProvider.GetRequiredService<JobService>().SubmitAsync(userId, batch, requests);
    }

    internal static async Task<int> BalanceAsync(PortalFactory factory, string userId)
    {
        using var scope = factory.Services.CreateScope();
        return (await scope.ServiceProvider.GetRequiredService<CreditLedger>().GetAccountAsync(userId)).Total;
    }
}
