using System.IO.Compression;
using System.Security.Claims;
using Microsoft.EntityFrameworkCore;
using Portal.Core.Data;
using Portal.Core.Jobs;
using Portal.Core.Storage;
using Portal.Engine;
using Portal.Engine.Imaging;
using Portal.Web.Features.Security;

namespace Portal.Web.Features.Jobs;

/// <summary>
/// Originals, results, thumbnails and ZIPs. Every read checks the owner: another person's id answers 404,
/// exactly like an id that does not exist.
/// </summary>
public static class JobFileEndpoints
{
    public static RouteGroupBuilder MapJobFileEndpoints(this IEndpointRouteBuilder endpoints)
    {
        var api = endpoints.MapGroup("/api").RequireAuthorization().RequireRateLimiting(PortalRateLimits.Downloads);
        api.MapGet("/images/{id:guid}", OriginalAsync);
        api.MapGet("/jobs/{id:guid}/result", ResultAsync);
        api.MapGet("/jobs/{id:guid}/thumbnail", ThumbnailAsync);
        api.MapGet("/jobs/zip", ZipAsync);
        return api;
    }

    private static string UserId(ClaimsPrincipal user) => user.FindFirstValue(ClaimTypes.NameIdentifier)!;

    private static async Task<IResult> OriginalAsync(Guid id, bool? download, HttpContext context, PortalDbContext db, IFileStore store, CancellationToken cancellationToken)
    {
        var userId = UserId(context.User);
        var image = await db.Images.AsNoTracking().OwnedBy(userId).FirstOrDefaultAsync(i => i.Id == id, cancellationToken);
        if (image is null || !await store.ExistsAsync(image.StorageKey, cancellationToken))
        {
            return TypedResults.NotFound();
        }

        // The media type of the format the bytes decoded as at upload, not the name or type the browser claimed.
        var extension = ImageFiles.Extension(image.Format);
        UserFileHeaders.Apply(context.Response, Path.ChangeExtension(image.FileName, extension), download == true);
        return TypedResults.Stream(await store.OpenReadAsync(image.StorageKey, cancellationToken), ImageFiles.ContentType(extension),
            enableRangeProcessing: true);
    }

    private static async Task<IResult> ResultAsync(Guid id, string? format, bool? download, HttpContext context, PortalDbContext db, IFileStore store, CancellationToken cancellationToken)
    {
        var userId = UserId(context.User);
        var found = await (from job in db.Jobs.AsNoTracking().OwnedBy(userId)
                           join image in db.Images.AsNoTracking() on job.ImageId equals image.Id
                           where job.Id == id && job.Status == JobStatus.Succeeded
                           select new { job.ResultKey, job.Scale, image.FileName })
            .FirstOrDefaultAsync(cancellationToken);
        if (found?.ResultKey is null || !await store.ExistsAsync(found.ResultKey, cancellationToken))
        {
            return TypedResults.NotFound();
        }

        var stored = Path.GetExtension(found.ResultKey);
        var wanted = format?.ToLowerInvariant() switch
        {
            null or "" => stored,
            "png" => ".png",
            "jpeg" or "jpg" => ".jpg",
            "webp" => ".webp",
            _ => null,
        };
        if (wanted is null)
        {
            return TypedResults.Problem(detail: "Choose png, jpeg or webp.", statusCode: StatusCodes.Status400BadRequest);
        }

        var name = $"{Path.GetFileNameWithoutExtension(found.FileName)}-x{found.Scale}{wanted}";
        if (wanted == stored)
        {
            UserFileHeaders.Apply(context.Response, name, download == true);
            return TypedResults.Stream(await store.OpenReadAsync(found.ResultKey, cancellationToken), ImageFiles.ContentType(wanted),
                enableRangeProcessing: true);
        }

        // Another format: the engine converts into a temporary file that is deleted once sent.
        var converted = Path.Combine(Path.GetTempPath(), $"portal-convert-{Guid.NewGuid():N}{wanted}");
        try
        {
            await using var source = await store.OpenReadAsync(found.ResultKey, cancellationToken);
            await Task.Run(() => ResultImages.Convert(source, wanted switch { ".jpg" => OutputFormat.Jpeg, ".webp" => OutputFormat.WebP, _ => OutputFormat.Png }, converted, cancellationToken), cancellationToken);
        }
        catch (UpscaleException e)
        {
            File.Delete(converted);
            return TypedResults.Problem(detail: e.Message, statusCode: StatusCodes.Status400BadRequest);
        }

        var stream = new FileStream(converted, FileMode.Open, FileAccess.Read, FileShare.Read, 81920, FileOptions.DeleteOnClose | FileOptions.Asynchronous);
        UserFileHeaders.Apply(context.Response, name, download == true);
        return TypedResults.Stream(stream, ImageFiles.ContentType(wanted));
    }

    private static async Task<IResult> ThumbnailAsync(Guid id, HttpContext context, PortalDbContext db, IFileStore store, CancellationToken cancellationToken)
    {
        var userId = UserId(context.User);
        var key = await db.Jobs.AsNoTracking().OwnedBy(userId).Where(j => j.Id == id).Select(j => j.ThumbnailKey).FirstOrDefaultAsync(cancellationToken);
        if (key is null || !await store.ExistsAsync(key, cancellationToken))
        {
            return TypedResults.NotFound();
        }

        // Thumbnails are written by the engine as WebP (StorageKeys.Thumbnail).
        UserFileHeaders.Apply(context.Response, $"thumbnail-{id:N}.webp", attachment: false);
        return TypedResults.Stream(await store.OpenReadAsync(key, cancellationToken), "image/webp");
    }

    /// <summary>Many results as one ZIP, written straight to the response (no temporary archive).</summary>
    private static async Task ZipAsync(HttpContext context, string ids, PortalDbContext db, IFileStore store, CancellationToken cancellationToken)
    {
        var userId = UserId(context.User);
        var wanted = ids.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(s => Guid.TryParse(s, out var g) ? g : Guid.Empty).Where(g => g != Guid.Empty).Distinct().Take(500).ToList();
        var files = await (from job in db.Jobs.AsNoTracking().OwnedBy(userId)
                           join image in db.Images.AsNoTracking() on job.ImageId equals image.Id
                           where wanted.Contains(job.Id) && job.Status == JobStatus.Succeeded && job.ResultKey != null
                           select new { job.Id, job.ResultKey, job.Scale, image.FileName })
            .ToListAsync(cancellationToken);
        if (files.Count == 0)
        {
            context.Response.StatusCode = StatusCodes.Status404NotFound;
            return;
        }

        context.Response.ContentType = "application/zip";
        UserFileHeaders.Apply(context.Response, "upscaled.zip", attachment: true);
        var names = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        await using var archive = new ZipArchive(context.Response.BodyWriter.AsStream(), ZipArchiveMode.Create, leaveOpen: true);
        foreach (var file in files)
        {
            var name = $"{Path.GetFileNameWithoutExtension(file.FileName)}-x{file.Scale}{Path.GetExtension(file.ResultKey)}";
            for (var n = 2; !names.Add(name); n++)
            {
                name = $"{Path.GetFileNameWithoutExtension(file.FileName)}-x{file.Scale}-{n}{Path.GetExtension(file.ResultKey)}";
            }

            // Images are already compressed: store them, spend no CPU deflating.
            var entry = archive.CreateEntry(name, CompressionLevel.NoCompression);
            await using var target = await entry.OpenAsync(cancellationToken);
            await using var source = await store.OpenReadAsync(file.ResultKey!, cancellationToken);
            await source.CopyToAsync(target, cancellationToken);
        }
    }
}
