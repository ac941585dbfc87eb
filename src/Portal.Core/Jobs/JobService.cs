using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Portal.Core.Billing;
using Portal.Core.Data;
using Portal.Core.Storage;
using Portal.Core.Uploads;
using Portal.Engine;
using Portal.Engine.Imaging;
using Portal.Engine.Imaging.Condition;
using Portal.Models;

namespace Portal.Core.Jobs;

/// <summary>Submitting, cancelling and reading jobs, always on behalf of one user.</summary>
public sealed class JobService(
    PortalDbContext db,
    CreditLedger ledger,
    ImageUpscaler upscaler,
    JobEvents events,
    IFileStore store,
    IOptions<BillingOptions> billing,
    TimeProvider clock)
{
    /// <summary>The tier a user is on (free until billing says otherwise).</summary>
    public async Task<PricingTier> TierOfAsync(string userId, CancellationToken cancellationToken = default)
    {
        await ledger.RefillFreeTierAsync(userId, cancellationToken);
        var account = await ledger.GetAccountAsync(userId, cancellationToken);
        return billing.Value.FindTier(account.TierId) ?? billing.Value.GetFreeTier();
    }

    /// <summary>
    /// Creates one job per request in one transaction with the credit reservation. The batch id makes a
    /// double-clicked submit harmless: the second call finds the first call's jobs and creates nothing.
    /// </summary>
    public async Task<SubmitResult> SubmitAsync(string userId, Guid batchId, IReadOnlyList<JobRequest> requests, CancellationToken cancellationToken = default)
    {
        if (requests.Count == 0)
        {
            return SubmitResult.Refused("Choose at least one image.", 0);
        }

        var imageIds = requests.Select(r => r.ImageId).Distinct().ToList();
        var images = await db.Images.AsNoTracking().Where(i => i.UserId == userId && imageIds.Contains(i.Id)).ToDictionaryAsync(i => i.Id, cancellationToken);

        var conditions = images.Values.ToDictionary(i => i.Id, TryDetectCondition);

        var existing = await db.Jobs.AsNoTracking().Where(j => j.BatchId == batchId && j.UserId == userId).Select(j => j.Id).ToListAsync(cancellationToken);
        if (existing.Count > 0)
        {
            return new SubmitResult(existing, null, 0, (await ledger.GetAccountAsync(userId, cancellationToken)).Total);
        }

        var tier = await TierOfAsync(userId, cancellationToken);
        var jobs = new List<UpscaleJob>();
        var now = clock.GetUtcNow().UtcDateTime;
        foreach (var request in requests)
        {
            if (!images.TryGetValue(request.ImageId, out var image))
            {
                // Another user's image, or none at all: the same answer, so ids reveal nothing.
                return SubmitResult.Refused("One of the images was not found. Upload it again.", 0);
            }

            if (Refusal(tier, request, image.Width, image.Height) is { } refusal)
            {
                return SubmitResult.Refused($"{image.FileName}: {refusal}", 0);
            }

            ModelEntry model;
            var detected = conditions[image.Id];
            try
            {
                var upscale = new UpscaleRequest { Content = request.Content, Quality = request.Quality, Scale = request.Scale };
                model = upscaler.ResolveModel(upscale, request.Condition ?? detected?.Condition ?? InputCondition.Clean);
            }
            catch (UpscaleException e)
            {
                return SubmitResult.Refused(e.Message, 0);
            }

            jobs.Add(new UpscaleJob
            {
                Id = Guid.CreateVersion7(),
                UserId = userId,
                ImageId = image.Id,
                BatchId = batchId,
                Content = request.Content,
                Quality = request.Quality,
                Scale = request.Scale,
                Format = request.Format,
                StripMetadata = request.StripMetadata,
                RequestedCondition = request.Condition,
                DetectedCondition = detected?.Condition,
                DetectedJpegQuality = detected?.JpegQuality,
                DetectedNoiseSigma = detected?.NoiseSigma,
                ModelId = model.Id,
                Cost = JobPricing.Cost(image.Width, image.Height, request.Scale, request.Quality),
                Priority = tier.QueuePriority,
                Status = JobStatus.Queued,
                CreatedAt = now,
            });
        }

        var total = jobs.Sum(j => j.Cost);
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        var balance = 0;
        foreach (var job in jobs)
        {
            var reserved = await ledger.ReserveAsync(userId, job.Id, job.Cost, cancellationToken);
            if (!reserved.Reserved)
            {
                await transaction.RollbackAsync(cancellationToken);
                db.ChangeTracker.Clear();
                var have = (await ledger.GetAccountAsync(userId, cancellationToken)).Total;
                return SubmitResult.Refused($"This needs {total:N0} credits and you have {have:N0}. Buy a credit pack or upgrade your plan.", have);
            }

            balance = reserved.Balance;
        }

        db.Jobs.AddRange(jobs);
        await db.SaveChangesAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        db.ChangeTracker.Clear();
        events.WakeWorker();
        return new SubmitResult(jobs.Select(j => j.Id).ToList(), null, total, balance);
    }

    /// <summary>Measures an uploaded image's condition (JPEG tables, noise) so the lineup can pick the network for it.</summary>
    /// <remarks>
    /// Synchronous on purpose (a bounded crop, well under a second): SubmitAsync must not yield between
    /// its batch check and its insert, or a double-clicked submit could slip past the check.
    /// </remarks>
    public InputConditionReport DetectCondition(StoredImage image)
    {
        ArgumentNullException.ThrowIfNull(image);
        if (store.LocalPath(image.StorageKey) is { } local)
        {
            return upscaler.DetectCondition(local, ImageInspector.ReadHeader(local));
        }

        // A store without local files: measure a temporary copy.
        var temporary = Path.Combine(Path.GetTempPath(), $"condition-{Guid.NewGuid():N}");
        try
        {
            using (var source = store.OpenRead(image.StorageKey))
            using (var copy = File.Create(temporary))
            {
                source.CopyTo(copy);
            }

            return upscaler.DetectCondition(temporary, ImageInspector.ReadHeader(temporary));
        }
        finally
        {
            File.Delete(temporary);
        }
    }

    /// <summary>
    /// Null when the stored file cannot be measured (damaged since its upload): the job is still queued,
    /// and the worker fails it with its message and the refund, as for any damaged file.
    /// </summary>
    private InputConditionReport? TryDetectCondition(StoredImage image)
    {
        try
        {
            return DetectCondition(image);
        }
        catch (UpscaleException)
        {
            return null;
        }
    }

    /// <summary>Why the tier does not allow this request, or null when it does.</summary>
    public static string? Refusal(PricingTier tier, JobRequest request, int width, int height)
    {
        if (!tier.Qualities.Contains(request.Quality))
        {
            return $"{request.Quality} quality is not part of the {tier.Name} plan.";
        }

        if (!tier.Scales.Contains(request.Scale))
        {
            return $"x{request.Scale} is not part of the {tier.Name} plan.";
        }

        var megapixels = (double)width * height / 1_000_000;
        return megapixels > tier.MaxInputMegapixels
            ? $"This image is {width:N0} x {height:N0} pixels ({megapixels:0.#} MP); your plan allows up to {tier.MaxInputMegapixels:0.#} MP."
            : null;
    }

    public Task<UpscaleJob?> FindAsync(string userId, Guid jobId, CancellationToken cancellationToken = default) =>
        db.Jobs.AsNoTracking().FirstOrDefaultAsync(j => j.Id == jobId && j.UserId == userId, cancellationToken);

    /// <summary>How many jobs will run before this one.</summary>
    public async Task<int> QueuePositionAsync(UpscaleJob job, CancellationToken cancellationToken = default)
    {
        if (job.Status != JobStatus.Queued)
        {
            return 0;
        }

        return await db.Jobs.CountAsync(j => j.Status == JobStatus.Queued
            && (j.Priority > job.Priority || (j.Priority == job.Priority && j.CreatedAt < job.CreatedAt)), cancellationToken);
    }

    /// <summary>Cancels a queued job at once (refunded) or asks the worker to stop a running one.</summary>
    public async Task<bool> CancelAsync(string userId, Guid jobId, CancellationToken cancellationToken = default)
    {
        var now = clock.GetUtcNow().UtcDateTime;
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        var canceled = await db.Jobs
            .Where(j => j.Id == jobId && j.UserId == userId && j.Status == JobStatus.Queued)
            .ExecuteUpdateAsync(s => s.SetProperty(j => j.Status, JobStatus.Canceled).SetProperty(j => j.CompletedAt, now), cancellationToken);
        if (canceled == 1)
        {
            await ledger.RefundAsync(jobId, "Canceled before it started", cancellationToken);
            await transaction.CommitAsync(cancellationToken);
            events.Publish(new JobUpdate(jobId, userId, JobStatus.Canceled, 0, 0, null));
            return true;
        }

        await transaction.CommitAsync(cancellationToken);
        var asked = await db.Jobs
            .Where(j => j.Id == jobId && j.UserId == userId && j.Status == JobStatus.Running)
            .ExecuteUpdateAsync(s => s.SetProperty(j => j.CancelRequested, true), cancellationToken);
        return asked == 1;
    }

    /// <summary>
    /// Deletes finished jobs with their result files, and each original that no job uses any more.
    /// Running or queued jobs are left alone (cancel them first). Returns how many were deleted.
    /// </summary>
    public async Task<int> DeleteAsync(string userId, IReadOnlyCollection<Guid> jobIds, CancellationToken cancellationToken = default)
    {
        var jobs = await db.Jobs.Where(j => jobIds.Contains(j.Id) && j.UserId == userId
            && j.Status != JobStatus.Queued && j.Status != JobStatus.Running).ToListAsync(cancellationToken);
        if (jobs.Count == 0)
        {
            return 0;
        }

        db.Jobs.RemoveRange(jobs);
        await db.SaveChangesAsync(cancellationToken);
        var imageIds = jobs.Select(j => j.ImageId).Distinct().ToList();
        var orphans = await db.Images.Where(i => imageIds.Contains(i.Id) && !db.Jobs.Any(j => j.ImageId == i.Id)).ToListAsync(cancellationToken);
        db.Images.RemoveRange(orphans);
        await db.SaveChangesAsync(cancellationToken);
        db.ChangeTracker.Clear();

        // Rows first: a file left behind by a crash here is unreachable, never a row pointing at nothing.
        var keys = jobs.SelectMany(j => new[] { j.ResultKey, j.ThumbnailKey }).Concat(orphans.Select(o => o.StorageKey));
        foreach (var key in keys.OfType<string>())
        {
            await store.DeleteAsync(key, cancellationToken);
        }

        return jobs.Count;
    }
}
