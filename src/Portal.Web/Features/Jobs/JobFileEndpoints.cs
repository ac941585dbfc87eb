using System.IO.Compression;
using System.Security.Claims;
using Microsoft.EntityFrameworkCore;
using Portal.Core.Data;
using Portal.Core.Jobs;
using Portal.Core.Storage;

namespace Portal.Web.Features.Jobs;

/// <summary>
/// Originals, results, thumbnails and ZIPs. Every read checks the owner: another person's id answers 404,
/// exactly like an id that does not exist.
/// </summary>
public static class JobFileEndpoints
{
    public static RouteGroupBuilder MapJobFileEndpoints(this IEndpointRouteBuilder endpoints)
    {
        var api = endpoints.MapGroup("/api").RequireAuthorization();
        api.MapGet("/images/{id:guid}", OriginalAsync);
        api.MapGet("/jobs/{id:guid}/result", ResultAsync);
        api.MapGet("/jobs/{id:guid}/thumbnail", ThumbnailAsync);
        api.MapGet("/jobs/zip", ZipAsync);
        return api;
    }

    private static string UserId(ClaimsPrincipal user) => user.FindFirstValue(ClaimTypes.NameIdentifier)!;

    private static async Task<IResult> OriginalAsync(Guid id, bool? download, ClaimsPrincipal user, PortalDbContext db, IFileStore store, CancellationToken cancellationToken)
    {
        var userId = UserId(user);
        var image = await db.Images.AsNoTracking().FirstOrDefaultAsync(i => i.Id == id && i.UserId == userId, cancellationToken);
        if (image is null || !store.Exists(image.StorageKey))
        {
            return TypedResults.NotFound();
        }

        var extension = Path.GetExtension(image.StorageKey);
        return TypedResults.Stream(store.OpenRead(image.StorageKey), ImageFiles.ContentType(extension),
            download == true ? image.FileName : null, enableRangeProcessing: true);
    }

    private static async Task<IResult> ResultAsync(Guid id, string? format, bool? download, ClaimsPrincipal user, PortalDbContext db, IFileStore store, CancellationToken cancellationToken)
    {
        var userId = UserId(user);
        var found = await (from job in db.Jobs.AsNoTracking()
                           join image in db.Images.AsNoTracking() on job.ImageId equals image.Id
                           where job.Id == id && job.UserId == userId && job.Status == JobStatus.Succeeded
                           select new { job.ResultKey, job.Scale, image.FileName })
            .FirstOrDefaultAsync(cancellationToken);
        if (found?.ResultKey is null || !store.Exists(found.ResultKey))
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
            return TypedResults.Stream(store.OpenRead(found.ResultKey), ImageFiles.ContentType(wanted),
                download == true ? name : null, enableRangeProcessing: true);
        }

        // Another format: convert with libvips into a temporary file that is deleted once sent.
        var source = store.LocalPath(found.ResultKey)!;
        var converted = Path.Combine(Path.GetTempPath(), $"portal-convert-{Guid.NewGuid():N}{wanted}");
        await Task.Run(() =>
        {
            using var image = NetVips.Image.NewFromFile(source, access: NetVips.Enums.Access.Sequential);
            using var flat = wanted == ".jpg" && image.HasAlpha() ? image.Flatten(background: [255.0]) : image.Copy();
            flat.WriteToFile(converted, wanted == ".png" ? null : new NetVips.VOption { { "Q", 92 } });
        }, cancellationToken);
        var stream = new FileStream(converted, FileMode.Open, FileAccess.Read, FileShare.Read, 81920, FileOptions.DeleteOnClose | FileOptions.Asynchronous);
        return TypedResults.Stream(stream, ImageFiles.ContentType(wanted), download == true ? name : null);
    }

    private static async Task<IResult> ThumbnailAsync(Guid id, ClaimsPrincipal user, PortalDbContext db, IFileStore store, CancellationToken cancellationToken)
    {
        var userId = UserId(user);
        var key = await db.Jobs.AsNoTracking().Where(j => j.Id == id && j.UserId == userId).Select(j => j.ThumbnailKey).FirstOrDefaultAsync(cancellationToken);
        return key is null || !store.Exists(key)
            ? TypedResults.NotFound()
            : TypedResults.Stream(store.OpenRead(key), "image/webp");
    }

    /// <summary>Many results as one ZIP, written straight to the response (no temporary archive).</summary>
    private static async Task ZipAsync(HttpContext context, string ids, PortalDbContext db, IFileStore store, CancellationToken cancellationToken)
    {
        var userId = UserId(context.User);
        var wanted = ids.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(s => Guid.TryParse(s, out var g) ? g : Guid.Empty).Where(g => g != Guid.Empty).Distinct().Take(500).ToList();
        var files = await (from job in db.Jobs.AsNoTracking()
                           join image in db.Images.AsNoTracking() on job.ImageId equals image.Id
                           where wanted.Contains(job.Id) && job.UserId == userId && job.Status == JobStatus.Succeeded && job.ResultKey != null
                           select new { job.Id, job.ResultKey, job.Scale, image.FileName })
            .ToListAsync(cancellationToken);
        if (files.Count == 0)
        {
            context.Response.StatusCode = StatusCodes.Status404NotFound;
            return;
        }

        context.Response.ContentType = "application/zip";
        context.Response.Headers.ContentDisposition = "attachment; filename=\"upscaled.zip\"";
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
            await using var source = store.OpenRead(file.ResultKey!);
            await source.CopyToAsync(target, cancellationToken);
        }
    }
}
