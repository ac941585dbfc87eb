using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Portal.Core.Data;
using Portal.Core.Storage;

namespace Portal.Core.Jobs;

/// <summary>
/// Deletes results (and their thumbnails) whose plan's retention period has ended. The job row stays, marked
/// Expired, so the gallery can say what happened; originals go when no unexpired job needs them.
/// </summary>
public sealed partial class ResultRetention(IServiceScopeFactory scopes, IFileStore store, TimeProvider clock, ILogger<ResultRetention> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(TimeSpan.FromMinutes(10), clock);
        do
        {
            try
            {
                await SweepAsync(stoppingToken);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                LogSweepFailed(e);
            }
        }
        while (await timer.WaitForNextTickAsync(stoppingToken));
    }

    /// <summary>Expires every result past its date; returns how many.</summary>
    public async Task<int> SweepAsync(CancellationToken cancellationToken = default)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<PortalDbContext>();
        var now = clock.GetUtcNow().UtcDateTime;
        var expired = await db.Jobs.AsNoTracking()
            .Where(j => j.Status == JobStatus.Succeeded && j.ExpiresAt != null && j.ExpiresAt <= now)
            .OrderBy(j => j.ExpiresAt).ThenBy(j => j.Id) // oldest first; a limit without an order is unpredictable
            .Select(j => new { j.Id, j.ResultKey, j.ThumbnailKey, j.ImageId })
            .Take(500)
            .ToListAsync(cancellationToken);
        foreach (var job in expired)
        {
            var updated = await db.Jobs.Where(j => j.Id == job.Id && j.Status == JobStatus.Succeeded)
                .ExecuteUpdateAsync(s => s
                    .SetProperty(j => j.Status, JobStatus.Expired)
                    .SetProperty(j => j.ResultKey, (string?)null)
                    .SetProperty(j => j.ThumbnailKey, (string?)null), cancellationToken);
            if (updated == 0)
            {
                continue;
            }

            foreach (var key in new[] { job.ResultKey, job.ThumbnailKey }.OfType<string>())
            {
                await store.DeleteAsync(key, cancellationToken);
            }

            var stillUsed = await db.Jobs.AnyAsync(j => j.ImageId == job.ImageId && j.Status != JobStatus.Expired && j.Status != JobStatus.Failed && j.Status != JobStatus.Canceled, cancellationToken);
            var imageKey = await db.Images.Where(i => i.Id == job.ImageId).Select(i => i.StorageKey).FirstOrDefaultAsync(cancellationToken);
            if (!stillUsed && imageKey is not null && store.Exists(imageKey))
            {
                await store.DeleteAsync(imageKey, cancellationToken);
            }
        }

        if (expired.Count > 0)
        {
            LogExpired(expired.Count);
        }

        return expired.Count;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Deleted {Count} results past their retention period")]
    private partial void LogExpired(int count);

    [LoggerMessage(Level = LogLevel.Error, Message = "The retention sweep failed; it runs again in ten minutes")]
    private partial void LogSweepFailed(Exception error);
}
