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
using Portal.Models.Lineup;

namespace Portal.Core.Jobs;

/// <summary>Submitting, cancelling and reading jobs, always on behalf of one user.</summary>
public sealed class JobService(
    PortalDbContext db,
    CreditLedger ledger,
    JobQueue queue,
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

        if (await AlreadySubmittedAsync(userId, batchId, cancellationToken) is { } earlier)
        {
            return earlier;
        }

        var tier = await TierOfAsync(userId, cancellationToken);
        var imageIds = requests.Select(r => r.ImageId).Distinct().ToList();
        var images = await db.Images.AsNoTracking().OwnedBy(userId).Where(i => imageIds.Contains(i.Id)).ToDictionaryAsync(i => i.Id, cancellationToken);
        var conditions = new Dictionary<Guid, InputConditionReport?>();
        foreach (var image in images.Values)
        {
            conditions[image.Id] = await ConditionOfAsync(image, cancellationToken);
        }

        var jobs = new List<UpscaleJob>();
        var now = clock.GetUtcNow().UtcDateTime;
        foreach (var (request, index) in requests.Select((r, i) => (r, i)))
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
            // Measured at upload (or now, for rows stored before that); an image that cannot be measured counts as clean, unless the person chose.
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
                BatchIndex = index,
                Content = request.Content,
                Quality = request.Quality,
                Scale = request.Scale,
                Format = request.Format,
                StripMetadata = request.StripMetadata,
                RequestedCondition = request.Condition,
                DetectedCondition = detected?.Condition,
                DetectedJpegQuality = detected?.JpegQuality,
                DetectedNoiseSigma = detected?.NoiseSigma,
                FaceProtection = FaceSafeModels.AppliesTo(request.Content, model.Id) ? request.Faces : null,
                ModelId = model.Id,
                Cost = JobPricing.Cost(image.Width, image.Height, request.Scale, request.Quality),
                Priority = tier.QueuePriority,
                CreatedAt = now,
            });
        }

        var total = jobs.Sum(j => j.Cost);
        (bool Submitted, int Balance) outcome;
        try
        {
            outcome = await UnitOfWork.RunAsync(db, (unit, ct) => ReserveAndEnqueueAsync(unit, userId, jobs, ct), o => o.Submitted, cancellationToken);
        }
        catch (DbUpdateException)
        {
            // The same batch committed first (a double click in two tabs): the unique (batch, index) refused this one.
            if (await AlreadySubmittedAsync(userId, batchId, cancellationToken) is { } winner)
            {
                return winner;
            }

            throw;
        }

        if (!outcome.Submitted)
        {
            return SubmitResult.Refused($"This needs {total:N0} credits and you have {outcome.Balance:N0}. Buy a credit pack or upgrade your plan.", outcome.Balance);
        }

        events.WakeWorker();
        return new SubmitResult(jobs.Select(j => j.Id).ToList(), null, total, outcome.Balance);
    }

    /// <summary>Reserves every job's credits and queues the jobs, in the caller's unit; stops at the first refusal.</summary>
    private async Task<(bool Submitted, int Balance)> ReserveAndEnqueueAsync(UnitOfWork unit, string userId, List<UpscaleJob> jobs, CancellationToken cancellationToken)
    {
        var balance = 0;
        foreach (var job in jobs)
        {
            var reserved = await ledger.ReserveAsync(unit, userId, job.Id, job.Cost, cancellationToken);
            if (!reserved.Reserved)
            {
                return (false, reserved.Balance);
            }

            balance = reserved.Balance;
        }

        queue.Enqueue(unit, jobs);
        return (true, balance);
    }

    /// <summary>The jobs of a batch that was already submitted, as a second submit of it answers; null when it was not.</summary>
    private async Task<SubmitResult?> AlreadySubmittedAsync(string userId, Guid batchId, CancellationToken cancellationToken)
    {
        var existing = await db.Jobs.AsNoTracking().OwnedBy(userId).Where(j => j.BatchId == batchId)
            .OrderBy(j => j.BatchIndex).Select(j => j.Id).ToListAsync(cancellationToken);
        return existing.Count == 0 ? null : new SubmitResult(existing, null, 0, (await ledger.GetAccountAsync(userId, cancellationToken)).Total);
    }

    /// <summary>
    /// The condition stored with the image at upload. Rows stored before uploads measured it (all three columns
    /// null) are measured now from the stored file; null when that file cannot be measured (damaged or gone): the
    /// job is still queued, and the worker fails it with its message and the refund, as for any damaged file.
    /// </summary>
    private async Task<InputConditionReport?> ConditionOfAsync(StoredImage image, CancellationToken cancellationToken)
    {
        if (image.DetectedCondition is { } condition)
        {
            return new InputConditionReport(condition, image.DetectedJpegQuality, image.DetectedNoiseSigma ?? 0);
        }

        var temporary = Path.Combine(Path.GetTempPath(), $"condition-{Guid.NewGuid():N}");
        try
        {
            // Read through the store's interface (local disk or object storage alike), measured from a temporary copy.
            await using (var source = await store.OpenReadAsync(image.StorageKey, cancellationToken))
            await using (var copy = File.Create(temporary))
            {
                await source.CopyToAsync(copy, cancellationToken);
            }

            return upscaler.DetectCondition(temporary, ImageInspector.ReadHeader(temporary));
        }
        catch (Exception exception) when (exception is UpscaleException or IOException)
        {
            return null;
        }
        finally
        {
            File.Delete(temporary);
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
        db.Jobs.AsNoTracking().OwnedBy(userId).FirstOrDefaultAsync(j => j.Id == jobId, cancellationToken);

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
    public Task<bool> CancelAsync(string userId, Guid jobId, CancellationToken cancellationToken = default) =>
        queue.CancelAsync(userId, jobId, cancellationToken);

    /// <summary>
    /// Deletes finished jobs with their result files, and each original that no job uses any more.
    /// Running or queued jobs are left alone (cancel them first). Returns how many were deleted.
    /// </summary>
    public async Task<int> DeleteAsync(string userId, IReadOnlyCollection<Guid> jobIds, CancellationToken cancellationToken = default)
    {
        var jobs = await db.Jobs.AsNoTracking().OwnedBy(userId).Where(j => jobIds.Contains(j.Id)
            && j.Status != JobStatus.Queued && j.Status != JobStatus.Running).ToListAsync(cancellationToken);
        if (jobs.Count == 0)
        {
            return 0;
        }

        var jobIdsToDelete = jobs.Select(j => j.Id).ToList();
        var imageIds = jobs.Select(j => j.ImageId).Distinct().ToList();
        var orphans = await UnitOfWork.RunAsync(db, async (_, ct) =>
        {
            await db.Jobs.Where(j => jobIdsToDelete.Contains(j.Id) && j.Status != JobStatus.Queued && j.Status != JobStatus.Running).ExecuteDeleteAsync(ct);
            var orphans = await db.Images.AsNoTracking().Where(i => imageIds.Contains(i.Id) && !db.Jobs.Any(j => j.ImageId == i.Id)).ToListAsync(ct);
            var orphanIds = orphans.Select(o => o.Id).ToList();
            await db.Images.Where(i => orphanIds.Contains(i.Id)).ExecuteDeleteAsync(ct);
            return orphans;
        }, cancellationToken);

        // Rows first: a file left behind by a crash here is unreachable, never a row pointing at nothing.
        var keys = jobs.SelectMany(j => new[] { j.ResultKey, j.ThumbnailKey }).Concat(orphans.Select(o => o.StorageKey));
        foreach (var key in keys.OfType<string>())
        {
            await store.DeleteAsync(key, cancellationToken);
        }

        return jobs.Count;
    }
}
