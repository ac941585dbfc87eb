using System.Diagnostics;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Portal.Core.Billing;
using Portal.Core.Data;
using Portal.Core.Storage;
using Portal.Engine;

namespace Portal.Core.Jobs;

/// <summary>
/// Runs queued jobs. A job is claimed with a conditional update that sets a lease; the lease is renewed
/// while tiles complete, and a job whose lease ran out (a crash, a restart) is claimed again, up to
/// <see cref="JobOptions.MaxAttempts"/> times. Completion is another conditional update on the lease owner,
/// so a job never completes twice.
/// </summary>
public sealed partial class UpscaleWorker(
    IServiceScopeFactory scopes,
    ImageUpscaler upscaler,
    IFileStore store,
    JobEvents events,
    IOptions<JobOptions> options,
    TimeProvider clock,
    ILogger<UpscaleWorker> logger) : BackgroundService
{
    // Unique per process start, so a restarted process never mistakes an old lease for its own.
    private readonly string _workerId = $"{Environment.ProcessId}:{Guid.NewGuid():N}";

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var lanes = Enumerable.Range(0, options.Value.Concurrency).Select(_ => RunLaneAsync(stoppingToken));
        await Task.WhenAll(lanes);
    }

    private async Task RunLaneAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await FailExhaustedAsync(stoppingToken);
                var job = await ClaimNextAsync(stoppingToken);
                if (job is null)
                {
                    await events.WaitForWorkAsync(TimeSpan.FromSeconds(options.Value.PollSeconds), stoppingToken);
                    continue;
                }

                await RunAsync(job, stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e)
            {
                // The database went away or similar: wait and try again rather than stop the worker.
                LogLoopFailed(e);
                await Task.Delay(TimeSpan.FromSeconds(2), stoppingToken);
            }
        }
    }

    /// <summary>Claims the most urgent job that is queued or whose lease expired.</summary>
    public async Task<UpscaleJob?> ClaimNextAsync(CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<PortalDbContext>();
        var now = clock.GetUtcNow().UtcDateTime;
        var maxAttempts = options.Value.MaxAttempts;
        var candidates = await db.Jobs.AsNoTracking()
            .Where(j => (j.Status == JobStatus.Queued || (j.Status == JobStatus.Running && j.LeaseExpiresAt < now)) && j.Attempts < maxAttempts)
            .OrderByDescending(j => j.Priority).ThenBy(j => j.CreatedAt)
            .Select(j => j.Id)
            .Take(8)
            .ToListAsync(cancellationToken);
        var lease = now.AddSeconds(options.Value.LeaseSeconds);
        foreach (var id in candidates)
        {
            var claimed = await db.Jobs
                .Where(j => j.Id == id && j.Attempts < maxAttempts
                    && (j.Status == JobStatus.Queued || (j.Status == JobStatus.Running && j.LeaseExpiresAt < now)))
                .ExecuteUpdateAsync(s => s
                    .SetProperty(j => j.Status, JobStatus.Running)
                    .SetProperty(j => j.LeaseOwner, _workerId)
                    .SetProperty(j => j.LeaseExpiresAt, lease)
                    .SetProperty(j => j.Attempts, j => j.Attempts + 1)
                    .SetProperty(j => j.StartedAt, now)
                    .SetProperty(j => j.TilesDone, 0), cancellationToken);
            if (claimed == 1)
            {
                return await db.Jobs.AsNoTracking().FirstAsync(j => j.Id == id, cancellationToken);
            }
        }

        return null;
    }

    private async Task RunAsync(UpscaleJob job, CancellationToken stoppingToken)
    {
        LogClaimed(job.Id, job.ModelId, job.Attempts);
        events.Publish(new JobUpdate(job.Id, job.UserId, JobStatus.Running, 0, 0, null));
        using var cancel = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken);
        var heartbeat = new JobHeartbeat(scopes, clock, options.Value, job, _workerId, events, cancel);
        var scratch = Path.Combine(Path.GetTempPath(), "upscale-portal-work", $"{job.Id:N}");
        Directory.CreateDirectory(scratch);
        try
        {
            string inputKey;
            await using (var scope = scopes.CreateAsyncScope())
            {
                var db = scope.ServiceProvider.GetRequiredService<PortalDbContext>();
                inputKey = await db.Images.Where(i => i.Id == job.ImageId).Select(i => i.StorageKey).FirstAsync(stoppingToken);
            }

            var input = store.LocalPath(inputKey) ?? await CopyToScratchAsync(inputKey, scratch, stoppingToken);
            var request = new UpscaleRequest
            {
                ModelId = job.ModelId,
                Content = job.Content,
                Quality = job.Quality,
                Scale = job.Scale,
                Format = job.Format,
                StripMetadata = job.StripMetadata,
            };
            var plan = upscaler.Plan(input, request);
            var output = Path.Combine(scratch, "result" + ImageFiles.Extension(plan.Format));
            var started = Stopwatch.GetTimestamp();
            var result = await upscaler.UpscaleAsync(input, output, request, heartbeat, cancel.Token);
            var runMs = (long)Stopwatch.GetElapsedTime(started).TotalMilliseconds;

            var thumbnailFile = Path.Combine(scratch, "thumbnail.webp");
            JobThumbnail.Write(result.OutputPath, thumbnailFile);
            var resultKey = StorageKeys.Result(job.UserId, ImageFiles.Extension(plan.Format));
            var thumbnailKey = StorageKeys.Thumbnail(job.UserId);
            var resultBytes = new FileInfo(result.OutputPath).Length;
            await store.ImportAsync(resultKey, result.OutputPath, stoppingToken);
            await store.ImportAsync(thumbnailKey, thumbnailFile, stoppingToken);

            if (!await CompleteAsync(job, resultKey, thumbnailKey, result, resultBytes, runMs, stoppingToken))
            {
                // Our lease was taken over (we were too slow or presumed dead): the other worker's result stands.
                await store.DeleteAsync(resultKey, CancellationToken.None);
                await store.DeleteAsync(thumbnailKey, CancellationToken.None);
                LogLeaseLost(job.Id);
            }
        }
        catch (OperationCanceledException) when (heartbeat.CancelRequested)
        {
            await FinishUnsuccessfulAsync(job, JobStatus.Canceled, "Canceled.", refund: true);
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Shutting down: leave the lease to expire so another worker (or this one after a restart) resumes it.
            LogInterrupted(job.Id);
        }
        catch (UpscaleException e)
        {
            await FinishUnsuccessfulAsync(job, JobStatus.Failed, e.Message, refund: true);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            LogStorageFailed(e, job.Id);
            await FinishUnsuccessfulAsync(job, JobStatus.Failed, "The result could not be saved. Your credits were refunded; please try again.", refund: true);
        }
        catch (Exception e)
        {
            LogJobFailed(e, job.Id);
            await FinishUnsuccessfulAsync(job, JobStatus.Failed, "Something went wrong while upscaling. Your credits were refunded.", refund: true);
        }
        finally
        {
            await heartbeat.DisposeAsync();
            TryDeleteDirectory(scratch);
        }
    }

    private async Task<bool> CompleteAsync(UpscaleJob job, string resultKey, string thumbnailKey, UpscaleResult result, long resultBytes, long runMs, CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<PortalDbContext>();
        var billing = scope.ServiceProvider.GetRequiredService<IOptions<BillingOptions>>().Value;
        var tierId = await db.CreditAccounts.Where(a => a.UserId == job.UserId).Select(a => a.TierId).FirstOrDefaultAsync(cancellationToken);
        var retention = (billing.FindTier(tierId ?? "") ?? billing.GetFreeTier()).RetentionDays;
        var now = clock.GetUtcNow().UtcDateTime;
        var updated = await db.Jobs
            .Where(j => j.Id == job.Id && j.Status == JobStatus.Running && j.LeaseOwner == _workerId)
            .ExecuteUpdateAsync(s => s
                .SetProperty(j => j.Status, JobStatus.Succeeded)
                .SetProperty(j => j.CompletedAt, now)
                .SetProperty(j => j.ResultKey, resultKey)
                .SetProperty(j => j.ThumbnailKey, thumbnailKey)
                .SetProperty(j => j.OutputWidth, result.Width)
                .SetProperty(j => j.OutputHeight, result.Height)
                .SetProperty(j => j.ResultBytes, resultBytes)
                .SetProperty(j => j.RunMilliseconds, runMs)
                .SetProperty(j => j.TilesDone, j => j.TilesTotal)
                .SetProperty(j => j.ExpiresAt, now.AddDays(retention))
                .SetProperty(j => j.LeaseOwner, (string?)null)
                .SetProperty(j => j.LeaseExpiresAt, (DateTime?)null), cancellationToken);
        if (updated == 1)
        {
            LogSucceeded(job.Id, result.Width, result.Height, runMs);
            events.Publish(new JobUpdate(job.Id, job.UserId, JobStatus.Succeeded, result.Tiles, result.Tiles, null));
        }

        return updated == 1;
    }

    private async Task FinishUnsuccessfulAsync(UpscaleJob job, JobStatus status, string message, bool refund)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<PortalDbContext>();
        var now = clock.GetUtcNow().UtcDateTime;
        // The status and the refund change together or not at all.
        await using var transaction = await db.Database.BeginTransactionAsync();
        var updated = await db.Jobs
            .Where(j => j.Id == job.Id && j.Status == JobStatus.Running && j.LeaseOwner == _workerId)
            .ExecuteUpdateAsync(s => s
                .SetProperty(j => j.Status, status)
                .SetProperty(j => j.CompletedAt, now)
                .SetProperty(j => j.Error, message)
                .SetProperty(j => j.LeaseOwner, (string?)null)
                .SetProperty(j => j.LeaseExpiresAt, (DateTime?)null));
        if (updated == 1 && refund)
        {
            await scope.ServiceProvider.GetRequiredService<CreditLedger>().RefundAsync(job.Id, message);
        }

        await transaction.CommitAsync();

        events.Publish(new JobUpdate(job.Id, job.UserId, status, 0, 0, message));
    }

    /// <summary>Jobs that crashed their worker too often are failed and refunded instead of retried forever.</summary>
    private async Task FailExhaustedAsync(CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<PortalDbContext>();
        var now = clock.GetUtcNow().UtcDateTime;
        var maxAttempts = options.Value.MaxAttempts;
        var exhausted = await db.Jobs.AsNoTracking()
            .Where(j => j.Status == JobStatus.Running && j.LeaseExpiresAt < now && j.Attempts >= maxAttempts)
            .Select(j => new { j.Id, j.UserId })
            .ToListAsync(cancellationToken);
        foreach (var job in exhausted)
        {
            const string message = "This image stopped the upscaler several times, so we gave up. Your credits were refunded.";
            await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
            var updated = await db.Jobs
                .Where(j => j.Id == job.Id && j.Status == JobStatus.Running && j.LeaseExpiresAt < now)
                .ExecuteUpdateAsync(s => s
                    .SetProperty(j => j.Status, JobStatus.Failed)
                    .SetProperty(j => j.CompletedAt, now)
                    .SetProperty(j => j.Error, message)
                    .SetProperty(j => j.LeaseOwner, (string?)null), cancellationToken);
            if (updated == 1)
            {
                await scope.ServiceProvider.GetRequiredService<CreditLedger>().RefundAsync(job.Id, message, cancellationToken);
            }

            await transaction.CommitAsync(cancellationToken);
            if (updated == 1)
            {
                events.Publish(new JobUpdate(job.Id, job.UserId, JobStatus.Failed, 0, 0, message));
            }
        }
    }

    private async Task<string> CopyToScratchAsync(string key, string scratch, CancellationToken cancellationToken)
    {
        var path = Path.Combine(scratch, "input" + Path.GetExtension(key));
        await using var source = store.OpenRead(key);
        await using var target = File.Create(path);
        await source.CopyToAsync(target, cancellationToken);
        return path;
    }

    private static void TryDeleteDirectory(string path)
    {
        try
        {
            Directory.Delete(path, recursive: true);
        }
        catch (IOException)
        {
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Job {JobId} claimed: model {Model}, attempt {Attempt}")]
    private partial void LogClaimed(Guid jobId, string model, int attempt);

    [LoggerMessage(Level = LogLevel.Information, Message = "Job {JobId} done: {Width}x{Height} in {Ms} ms")]
    private partial void LogSucceeded(Guid jobId, int width, int height, long ms);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Job {JobId}: the lease was taken over by another worker; discarding this result")]
    private partial void LogLeaseLost(Guid jobId);

    [LoggerMessage(Level = LogLevel.Information, Message = "Job {JobId} interrupted by shutdown; it resumes when its lease expires")]
    private partial void LogInterrupted(Guid jobId);

    [LoggerMessage(Level = LogLevel.Error, Message = "Job {JobId}: storage failed")]
    private partial void LogStorageFailed(Exception error, Guid jobId);

    [LoggerMessage(Level = LogLevel.Error, Message = "Job {JobId} failed")]
    private partial void LogJobFailed(Exception error, Guid jobId);

    [LoggerMessage(Level = LogLevel.Error, Message = "The upscaling worker loop failed; retrying")]
    private partial void LogLoopFailed(Exception error);
}
