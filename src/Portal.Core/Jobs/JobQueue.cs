using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Portal.Core.Billing;
using Portal.Core.Data;
using Portal.Core.Telemetry;

namespace Portal.Core.Jobs;

/// <summary>
/// The only writer of a job's status. The job table is the queue: a worker claims a row with a conditional
/// update that sets a lease, renews the lease while it works, and completes or fails the job only while it still
/// owns the lease, so a job never completes twice. Every change that also moves credits (cancel, fail) is one unit
/// of work with the ledger's refund; every change is announced to open pages once it has committed.
/// </summary>
public sealed class JobQueue(PortalDbContext db, CreditLedger ledger, JobEvents events, PortalMetrics metrics, IOptions<JobOptions> options, IOptions<BillingOptions> billing, TimeProvider clock)
{
    /// <summary>Adds new jobs, queued, as part of the caller's unit (the one that reserves their credits).</summary>
    public void Enqueue(UnitOfWork unit, IEnumerable<UpscaleJob> jobs)
    {
        unit.Require(db);
        foreach (var job in jobs)
        {
            job.Status = JobStatus.Queued;
            db.Jobs.Add(job);
        }
    }

    /// <summary>Claims the most urgent job that is queued or whose lease expired.</summary>
    public async Task<UpscaleJob?> ClaimAsync(string workerId, CancellationToken cancellationToken)
    {
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
                    .SetProperty(j => j.LeaseOwner, workerId)
                    .SetProperty(j => j.LeaseExpiresAt, lease)
                    .SetProperty(j => j.Attempts, j => j.Attempts + 1)
                    .SetProperty(j => j.StartedAt, now)
                    .SetProperty(j => j.TilesDone, 0), cancellationToken);
            if (claimed == 1)
            {
                var job = await db.Jobs.AsNoTracking().FirstAsync(j => j.Id == id, cancellationToken);
                events.Publish(new JobUpdate(job.Id, job.UserId, JobStatus.Running, 0, 0, null));
                return job;
            }
        }

        return null;
    }

    /// <summary>Writes progress and extends the lease of a job this worker owns; returns whether the person asked to cancel.</summary>
    public async Task<bool> RenewAsync(Guid jobId, string workerId, int tilesDone, int tilesTotal, CancellationToken cancellationToken)
    {
        var lease = clock.GetUtcNow().UtcDateTime.AddSeconds(options.Value.LeaseSeconds);
        await db.Jobs.Where(j => j.Id == jobId && j.LeaseOwner == workerId)
            .ExecuteUpdateAsync(s => s
                .SetProperty(j => j.TilesDone, tilesDone)
                .SetProperty(j => j.TilesTotal, tilesTotal)
                .SetProperty(j => j.LeaseExpiresAt, lease), cancellationToken);
        return await db.Jobs.AnyAsync(j => j.Id == jobId && j.CancelRequested, cancellationToken);
    }

    /// <summary>
    /// Marks a job this worker still owns as done with its result; false when the lease was taken over (the other
    /// worker's result stands, and the caller deletes its files).
    /// </summary>
    public async Task<bool> CompleteAsync(UpscaleJob job, string workerId, JobOutput output, CancellationToken cancellationToken)
    {
        var tierId = await db.CreditAccounts.Where(a => a.UserId == job.UserId).Select(a => a.TierId).FirstOrDefaultAsync(cancellationToken);
        var retention = (billing.Value.FindTier(tierId ?? "") ?? billing.Value.GetFreeTier()).RetentionDays;
        var now = clock.GetUtcNow().UtcDateTime;
        var updated = await db.Jobs
            .Where(j => j.Id == job.Id && j.Status == JobStatus.Running && j.LeaseOwner == workerId)
            .ExecuteUpdateAsync(s => s
                .SetProperty(j => j.Status, JobStatus.Succeeded)
                .SetProperty(j => j.CompletedAt, now)
                .SetProperty(j => j.ResultKey, output.ResultKey)
                .SetProperty(j => j.ThumbnailKey, output.ThumbnailKey)
                .SetProperty(j => j.OutputWidth, output.Width)
                .SetProperty(j => j.OutputHeight, output.Height)
                .SetProperty(j => j.ResultBytes, output.Bytes)
                .SetProperty(j => j.RunMilliseconds, output.RunMilliseconds)
                .SetProperty(j => j.Device, output.Device)
                .SetProperty(j => j.FacesProtected, output.FacesProtected)
                .SetProperty(j => j.FaceProtectionNote, output.FaceProtectionNote)
                .SetProperty(j => j.TilesDone, j => j.TilesTotal)
                .SetProperty(j => j.ExpiresAt, now.AddDays(retention))
                .SetProperty(j => j.LeaseOwner, (string?)null)
                .SetProperty(j => j.LeaseExpiresAt, (DateTime?)null), cancellationToken);
        if (updated == 1)
        {
            events.Publish(new JobUpdate(job.Id, job.UserId, JobStatus.Succeeded, output.Tiles, output.Tiles, null));
        }

        return updated == 1;
    }

    /// <summary>
    /// Gives a job this worker owns back to the queue (the worker is draining): another worker claims it at once
    /// instead of waiting for the lease to run out, and the interrupted run does not count as a failed attempt.
    /// </summary>
    public async Task<bool> ReleaseAsync(UpscaleJob job, string workerId, CancellationToken cancellationToken)
    {
        var released = await db.Jobs
            .Where(j => j.Id == job.Id && j.Status == JobStatus.Running && j.LeaseOwner == workerId)
            .ExecuteUpdateAsync(s => s
                .SetProperty(j => j.Status, JobStatus.Queued)
                .SetProperty(j => j.LeaseOwner, (string?)null)
                .SetProperty(j => j.LeaseExpiresAt, (DateTime?)null)
                .SetProperty(j => j.Attempts, j => j.Attempts - 1)
                .SetProperty(j => j.TilesDone, 0), cancellationToken);
        if (released == 1)
        {
            events.Publish(new JobUpdate(job.Id, job.UserId, JobStatus.Queued, 0, 0, null));
            events.WakeWorker();
        }

        return released == 1;
    }

    /// <summary>
    /// Ends a job this worker owns without a result (<see cref="JobStatus.Failed"/> or <see cref="JobStatus.Canceled"/>)
    /// and refunds its credits in the same unit: the status and the refund change together or not at all.
    /// </summary>
    public async Task<bool> FailAsync(UpscaleJob job, string workerId, JobStatus status, string message, CancellationToken cancellationToken)
    {
        if (status is not (JobStatus.Failed or JobStatus.Canceled))
        {
            throw new ArgumentOutOfRangeException(nameof(status), status, "A job ends unsuccessfully as Failed or Canceled.");
        }

        var now = clock.GetUtcNow().UtcDateTime;
        var ended = await UnitOfWork.RunAsync(db, async (unit, ct) =>
        {
            var updated = await db.Jobs
                .Where(j => j.Id == job.Id && j.Status == JobStatus.Running && j.LeaseOwner == workerId)
                .ExecuteUpdateAsync(s => s
                    .SetProperty(j => j.Status, status)
                    .SetProperty(j => j.CompletedAt, now)
                    .SetProperty(j => j.Error, message)
                    .SetProperty(j => j.LeaseOwner, (string?)null)
                    .SetProperty(j => j.LeaseExpiresAt, (DateTime?)null), ct);
            if (updated == 1)
            {
                await ledger.RefundAsync(unit, job.Id, message, ct);
            }

            return updated == 1;
        }, cancellationToken);
        if (ended)
        {
            metrics.JobRefunded(job.Cost, status);
            events.Publish(new JobUpdate(job.Id, job.UserId, status, 0, 0, message));
        }

        return ended;
    }

    /// <summary>Fails and refunds jobs that crashed their worker too often, instead of retrying them forever.</summary>
    public async Task<int> FailExhaustedAsync(CancellationToken cancellationToken)
    {
        const string message = "This image stopped the upscaler several times, so we gave up. Your credits were refunded.";
        var now = clock.GetUtcNow().UtcDateTime;
        var maxAttempts = options.Value.MaxAttempts;
        var exhausted = await db.Jobs.AsNoTracking()
            .Where(j => j.Status == JobStatus.Running && j.LeaseExpiresAt < now && j.Attempts >= maxAttempts)
            .Select(j => new { j.Id, j.UserId, j.Cost })
            .ToListAsync(cancellationToken);
        var failed = 0;
        foreach (var job in exhausted)
        {
            var ended = await UnitOfWork.RunAsync(db, async (unit, ct) =>
            {
                var updated = await db.Jobs
                    .Where(j => j.Id == job.Id && j.Status == JobStatus.Running && j.LeaseExpiresAt < now)
                    .ExecuteUpdateAsync(s => s
                        .SetProperty(j => j.Status, JobStatus.Failed)
                        .SetProperty(j => j.CompletedAt, now)
                        .SetProperty(j => j.Error, message)
                        .SetProperty(j => j.LeaseOwner, (string?)null), ct);
                if (updated == 1)
                {
                    await ledger.RefundAsync(unit, job.Id, message, ct);
                }

                return updated == 1;
            }, cancellationToken);
            if (ended)
            {
                failed++;
                metrics.JobRefunded(job.Cost, JobStatus.Failed);
                events.Publish(new JobUpdate(job.Id, job.UserId, JobStatus.Failed, 0, 0, message));
            }
        }

        return failed;
    }

    /// <summary>Cancels a queued job at once (refunded) or asks the worker to stop a running one.</summary>
    public async Task<bool> CancelAsync(string userId, Guid jobId, CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow().UtcDateTime;
        var canceled = await UnitOfWork.RunAsync(db, async (unit, ct) =>
        {
            var updated = await db.Jobs
                .OwnedBy(userId).Where(j => j.Id == jobId && j.Status == JobStatus.Queued)
                .ExecuteUpdateAsync(s => s.SetProperty(j => j.Status, JobStatus.Canceled).SetProperty(j => j.CompletedAt, now), ct);
            if (updated == 1)
            {
                await ledger.RefundAsync(unit, jobId, "Canceled before it started", ct);
            }

            return updated == 1;
        }, cancellationToken);
        if (canceled)
        {
            metrics.JobRefunded(await db.Jobs.Where(j => j.Id == jobId).Select(j => j.Cost).FirstAsync(cancellationToken), JobStatus.Canceled);
            events.Publish(new JobUpdate(jobId, userId, JobStatus.Canceled, 0, 0, null));
            return true;
        }

        var asked = await db.Jobs
            .OwnedBy(userId).Where(j => j.Id == jobId && j.Status == JobStatus.Running)
            .ExecuteUpdateAsync(s => s.SetProperty(j => j.CancelRequested, true), cancellationToken);
        return asked == 1;
    }

    /// <summary>
    /// Marks a succeeded job whose retention ended as Expired and forgets its result keys; false when it was not
    /// (any more) a succeeded job. The caller deletes the files after this commits.
    /// </summary>
    public async Task<bool> ExpireAsync(Guid jobId, CancellationToken cancellationToken)
    {
        var updated = await db.Jobs.Where(j => j.Id == jobId && j.Status == JobStatus.Succeeded)
            .ExecuteUpdateAsync(s => s
                .SetProperty(j => j.Status, JobStatus.Expired)
                .SetProperty(j => j.ResultKey, (string?)null)
                .SetProperty(j => j.ThumbnailKey, (string?)null), cancellationToken);
        return updated == 1;
    }
}
