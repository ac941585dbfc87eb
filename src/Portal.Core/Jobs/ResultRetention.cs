using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Portal.Core.Data;
using Portal.Core.Storage;

namespace Portal.Core.Jobs;

/// <summary>
/// Deletes what the portal no longer keeps, rows first, then files (a crash in between leaves an unreachable file,
/// never a row pointing at nothing). Results past their plan's retention period are deleted and their job marked
/// Expired; an original goes when no job still needs it, and with it its row and its finished jobs (nothing of them
/// is left to show). Uploads never submitted go after <see cref="JobOptions.UnsubmittedUploadHours"/>.
/// </summary>
public sealed partial class ResultRetention(IServiceScopeFactory scopes, IFileStore store, IOptions<JobOptions> options, TimeProvider clock, ILogger<ResultRetention> logger) : BackgroundService
{
    private const int BatchSize = 500;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(TimeSpan.FromMinutes(10), clock);
        do
        {
            try
            {
                await SweepAsync(stoppingToken);
                await DeleteUnsubmittedUploadsAsync(stoppingToken);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                LogSweepFailed(e);
            }
        }
        while (await timer.WaitForNextTickAsync(stoppingToken));
    }

    /// <summary>Expires every result past its date, and deletes the originals this leaves unused; returns how many results.</summary>
    public async Task<int> SweepAsync(CancellationToken cancellationToken = default)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<PortalDbContext>();
        var queue = scope.ServiceProvider.GetRequiredService<JobQueue>();
        var now = clock.GetUtcNow().UtcDateTime;
        var expired = await db.Jobs.AsNoTracking()
            .Where(j => j.Status == JobStatus.Succeeded && j.ExpiresAt != null && j.ExpiresAt <= now)
            .OrderBy(j => j.ExpiresAt).ThenBy(j => j.Id) // oldest first; a limit without an order is unpredictable
            .Select(j => new { j.Id, j.ResultKey, j.ThumbnailKey, j.ImageId })
            .Take(BatchSize)
            .ToListAsync(cancellationToken);
        foreach (var job in expired)
        {
            if (!await queue.ExpireAsync(job.Id, cancellationToken))
            {
                continue;
            }

            foreach (var key in new[] { job.ResultKey, job.ThumbnailKey }.OfType<string>())
            {
                await store.DeleteAsync(key, cancellationToken);
            }

            await DeleteOriginalIfUnusedAsync(db, job.ImageId, cancellationToken);
        }

        if (expired.Count > 0)
        {
            LogExpired(expired.Count);
        }

        return expired.Count;
    }

    /// <summary>Deletes uploads that were never submitted and are older than the configured time; returns how many.</summary>
    public async Task<int> DeleteUnsubmittedUploadsAsync(CancellationToken cancellationToken = default)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<PortalDbContext>();
        var cutoff = clock.GetUtcNow().UtcDateTime.AddHours(-options.Value.UnsubmittedUploadHours);
        var stale = await db.Images.AsNoTracking()
            .Where(i => i.CreatedAt <= cutoff && !db.Jobs.Any(j => j.ImageId == i.Id))
            .OrderBy(i => i.CreatedAt).ThenBy(i => i.Id) // oldest first; a limit without an order is unpredictable
            .Select(i => new { i.Id, i.StorageKey })
            .Take(BatchSize)
            .ToListAsync(cancellationToken);
        var deleted = 0;
        foreach (var image in stale)
        {
            // The condition is checked again in the delete: a submit that just used the image keeps it.
            if (await db.Images.Where(i => i.Id == image.Id && !db.Jobs.Any(j => j.ImageId == i.Id)).ExecuteDeleteAsync(cancellationToken) == 1)
            {
                await store.DeleteAsync(image.StorageKey, cancellationToken);
                deleted++;
            }
        }

        if (deleted > 0)
        {
            LogUnsubmittedDeleted(deleted);
        }

        return deleted;
    }

    /// <summary>
    /// When no job of an original is queued, running or holding a result, the original is deleted: its row with its
    /// finished jobs (they go with it), then its file.
    /// </summary>
    private async Task DeleteOriginalIfUnusedAsync(PortalDbContext db, Guid imageId, CancellationToken cancellationToken)
    {
        var key = await UnitOfWork.RunAsync(db, async (_, ct) =>
        {
            var stillUsed = await db.Jobs.AnyAsync(j => j.ImageId == imageId
                && (j.Status == JobStatus.Queued || j.Status == JobStatus.Running || j.Status == JobStatus.Succeeded), ct);
            var storageKey = await db.Images.Where(i => i.Id == imageId).Select(i => i.StorageKey).FirstOrDefaultAsync(ct);
            if (stillUsed || storageKey is null)
            {
                return null;
            }

            await db.Jobs.Where(j => j.ImageId == imageId).ExecuteDeleteAsync(ct);
            await db.Images.Where(i => i.Id == imageId).ExecuteDeleteAsync(ct);
            return storageKey;
        }, cancellationToken);
        if (key is not null)
        {
            await store.DeleteAsync(key, cancellationToken);
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Deleted {Count} results past their retention period")]
    private partial void LogExpired(int count);

    [LoggerMessage(Level = LogLevel.Information, Message = "Deleted {Count} uploads that were never submitted")]
    private partial void LogUnsubmittedDeleted(int count);

    [LoggerMessage(Level = LogLevel.Error, Message = "The retention sweep failed; it runs again in ten minutes")]
    private partial void LogSweepFailed(Exception error);
}
