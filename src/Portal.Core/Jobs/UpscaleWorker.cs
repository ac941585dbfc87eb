using System.Diagnostics;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Portal.Core.Data;
using Portal.Core.Storage;
using Portal.Core.Telemetry;
using Portal.Engine;
using Portal.Engine.Imaging;
using Portal.Models;

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
    PortalMetrics metrics,
    IOptions<JobOptions> options,
    TimeProvider clock,
    ILogger<UpscaleWorker> logger) : BackgroundService
{
    // Unique per process start, so a restarted process never mistakes an old lease for its own.
    private readonly string workerId = $"{Environment.ProcessId}:{Guid.NewGuid():N}";

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
        return await scope.ServiceProvider.GetRequiredService<JobQueue>().ClaimAsync(workerId, cancellationToken);
    }

    private async Task RunAsync(UpscaleJob job, CancellationToken stoppingToken)
    {
        LogClaimed(job.Id, job.ModelId, job.Attempts);
        using var cancel = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken);
        var heartbeat = new JobHeartbeat(scopes, clock, job, workerId, events, cancel);
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

            var input = await CopyToScratchAsync(inputKey, scratch, stoppingToken);
            var request = new UpscaleRequest
            {
                ModelId = job.ModelId,
                // The condition the model was chosen for at submit: the engine runs the cell's restoration (deblocking, partner mix) around it.
                Condition = job.RequestedCondition ?? job.DetectedCondition ?? InputCondition.Clean,
                Content = job.Content,
                Quality = job.Quality,
                Scale = job.Scale,
                Format = job.Format,
                StripMetadata = job.StripMetadata,
                Faces = job.FaceProtection ?? FaceProtection.Protect,
            };
            var plan = upscaler.Plan(input, request);
            var output = Path.Combine(scratch, "result" + ImageFiles.Extension(plan.Format));
            var started = Stopwatch.GetTimestamp();
            var result = await upscaler.UpscaleAsync(input, output, request, heartbeat, cancel.Token);
            var runMs = (long)Stopwatch.GetElapsedTime(started).TotalMilliseconds;

            var thumbnailFile = Path.Combine(scratch, "thumbnail.webp");
            ResultImages.WriteThumbnail(result.OutputPath, thumbnailFile);
            var resultKey = StorageKeys.Result(job.UserId, ImageFiles.Extension(plan.Format));
            var thumbnailKey = StorageKeys.Thumbnail(job.UserId);
            var resultBytes = new FileInfo(result.OutputPath).Length;
            await store.ImportAsync(resultKey, result.OutputPath, stoppingToken);
            await store.ImportAsync(thumbnailKey, thumbnailFile, stoppingToken);

            var produced = new JobOutput(resultKey, thumbnailKey, result.Width, result.Height, resultBytes, runMs, result.Tiles)
            {
                FacesProtected = result.Faces is { Applied: true } faces ? faces.Faces : null,
                FaceProtectionNote = result.Faces is { Applied: false, Note: { } note } && job.FaceProtection == FaceProtection.Protect ? note : null,
                Device = result.Device.ToString(),
            };
            if (await CompleteAsync(job, produced, stoppingToken))
            {
                metrics.JobSucceeded(job, result, job.StartedAt ?? job.CreatedAt, TimeSpan.FromMilliseconds(runMs));
                LogSucceeded(job.Id, result.Width, result.Height, runMs);
            }
            else
            {
                // Our lease was taken over (we were too slow or presumed dead): the other worker's result stands.
                await store.DeleteAsync(resultKey, CancellationToken.None);
                await store.DeleteAsync(thumbnailKey, CancellationToken.None);
                LogLeaseLost(job.Id);
            }
        }
        catch (OperationCanceledException) when (heartbeat.CancelRequested)
        {
            await FailAsync(job, JobStatus.Canceled, "Canceled.");
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Draining (SIGTERM, a scale-down): hand the job back so another worker runs it at once. Should that
            // fail too (the database is gone), the lease simply expires and the job is claimed again later.
            await ReleaseAsync(job);
        }
        catch (UpscaleException e)
        {
            await FailAsync(job, JobStatus.Failed, e.Message);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            LogStorageFailed(e, job.Id);
            await FailAsync(job, JobStatus.Failed, "The result could not be saved. Your credits were refunded; please try again.");
        }
        catch (Exception e)
        {
            LogJobFailed(e, job.Id);
            await FailAsync(job, JobStatus.Failed, "Something went wrong while upscaling. Your credits were refunded.");
        }
        finally
        {
            await heartbeat.DisposeAsync();
            TryDeleteDirectory(scratch);
        }
    }

    private async Task<bool> CompleteAsync(UpscaleJob job, JobOutput output, CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<JobQueue>().CompleteAsync(job, workerId, output, cancellationToken);
    }

    private async Task ReleaseAsync(UpscaleJob job)
    {
        try
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
            await using var scope = scopes.CreateAsyncScope();
            var released = await scope.ServiceProvider.GetRequiredService<JobQueue>().ReleaseAsync(job, workerId, timeout.Token);
            LogInterrupted(job.Id, released);
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            LogReleaseFailed(e, job.Id);
        }
    }

    // Not cancelled by shutdown: a job that already failed must still be recorded (and refunded).
    private async Task FailAsync(UpscaleJob job, JobStatus status, string message)
    {
        await using var scope = scopes.CreateAsyncScope();
        await scope.ServiceProvider.GetRequiredService<JobQueue>().FailAsync(job, workerId, status, message, CancellationToken.None);
    }

    /// <summary>Jobs that crashed their worker too often are failed and refunded instead of retried forever.</summary>
    private async Task FailExhaustedAsync(CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        await scope.ServiceProvider.GetRequiredService<JobQueue>().FailExhaustedAsync(cancellationToken);
    }

    private async Task<string> CopyToScratchAsync(string key, string scratch, CancellationToken cancellationToken)
    {
        var path = Path.Combine(scratch, "input" + Path.GetExtension(key));
        await using var source = await store.OpenReadAsync(key, cancellationToken);
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

    [LoggerMessage(Level = LogLevel.Information, Message = "Job {JobId} interrupted by shutdown; handed back to the queue: {Released}")]
    private partial void LogInterrupted(Guid jobId, bool released);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Job {JobId} could not be handed back at shutdown; it resumes when its lease expires")]
    private partial void LogReleaseFailed(Exception exception, Guid jobId);

    [LoggerMessage(Level = LogLevel.Error, Message = "Job {JobId}: storage failed")]
    private partial void LogStorageFailed(Exception error, Guid jobId);

    [LoggerMessage(Level = LogLevel.Error, Message = "Job {JobId} failed")]
    private partial void LogJobFailed(Exception error, Guid jobId);

    [LoggerMessage(Level = LogLevel.Error, Message = "The upscaling worker loop failed; retrying")]
    private partial void LogLoopFailed(Exception error);
}
