using Portal.Core.Jobs;
using Portal.Core.Uploads;

namespace Portal.Core.Data;

/// <summary>
/// The per-user filter, written once: every read of a person's images or jobs goes through it, so another user's
/// id finds nothing (and answers exactly like an id that does not exist).
/// </summary>
public static class Ownership
{
    public static IQueryable<UpscaleJob> OwnedBy(this IQueryable<UpscaleJob> jobs, string userId) =>
        jobs.Where(j => j.UserId == userId);

    public static IQueryable<StoredImage> OwnedBy(this IQueryable<StoredImage> images, string userId) =>
        images.Where(i => i.UserId == userId);
}
