using System.Security.Claims;
using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Net.Http.Headers;
using Portal.Core.Data;
using Portal.Core.Jobs;
using Portal.Core.Storage;
using Portal.Core.Uploads;
using Portal.Engine;
using Portal.Engine.Imaging;
using Portal.Engine.Imaging.Condition;
using Portal.Web.Features.Security;

namespace Portal.Web.Features.Uploads;

/// <summary>
/// POST /api/uploads: one image per request, streamed from the multipart body straight to a file (never held
/// in memory, never over the SignalR circuit), sniffed by its bytes and checked against the plan's caps from
/// its header before anything is decoded.
/// </summary>
public static partial class UploadEndpoints
{
    public static IEndpointConventionBuilder MapUploadEndpoints(this IEndpointRouteBuilder endpoints) =>
        endpoints.MapPost("/api/uploads", UploadAsync)
            .RequireAuthorization()
            .RequireRateLimiting(PortalRateLimits.Uploads)
            .DisableAntiforgery(); // validated by hand below, from the header, so the body is never buffered as a form

    private static async Task<IResult> UploadAsync(
        HttpContext context,
        IAntiforgery antiforgery,
        JobService jobs,
        IFileStore store,
        DataFolders folders,
        PortalDbContext db,
        TimeProvider clock,
        ImageUpscaler upscaler,
        ILoggerFactory loggers,
        CancellationToken cancellationToken)
    {
        if (!context.Request.Headers.ContainsKey("RequestVerificationToken") || !await antiforgery.IsRequestValidAsync(context))
        {
            return Problem(StatusCodes.Status400BadRequest, "The upload form expired. Reload the page and try again.");
        }

        var userId = context.User.FindFirstValue(ClaimTypes.NameIdentifier)!;
        var tier = await jobs.TierOfAsync(userId, cancellationToken);
        var maxBytes = (long)tier.MaxUploadMegabytes * 1024 * 1024;
        if (context.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } bodySize)
        {
            // Room for the multipart envelope around the file.
            bodySize.MaxRequestBodySize = maxBytes + (64 * 1024);
        }

        if (context.Request.ContentLength > maxBytes + (64 * 1024))
        {
            return TooLarge(tier.Name, tier.MaxUploadMegabytes);
        }

        var boundary = MediaTypeHeaderValue.TryParse(context.Request.ContentType, out var mediaType)
            ? HeaderUtilities.RemoveQuotes(mediaType.Boundary).Value
            : null;
        if (string.IsNullOrEmpty(boundary) || !mediaType!.MediaType.Equals("multipart/form-data", StringComparison.OrdinalIgnoreCase))
        {
            return Problem(StatusCodes.Status400BadRequest, "Send the image as multipart/form-data.");
        }

        var reader = new MultipartReader(boundary, context.Request.Body);
        MultipartSection? section;
        while ((section = await reader.ReadNextSectionAsync(cancellationToken)) is not null)
        {
            if (!ContentDispositionHeaderValue.TryParse(section.ContentDisposition, out var disposition) || !disposition.IsFileDisposition())
            {
                continue;
            }

            var fileName = SafeName(disposition.FileName.Value ?? disposition.FileNameStar.Value ?? "image");
            var temporary = Path.Combine(folders.Root, "incoming", $"{Guid.NewGuid():N}.upload");
            Directory.CreateDirectory(Path.GetDirectoryName(temporary)!);
            try
            {
                var written = await CopyLimitedAsync(section.Body, temporary, maxBytes, cancellationToken);
                if (written < 0)
                {
                    return TooLarge(tier.Name, tier.MaxUploadMegabytes);
                }

                ImageHeader header;
                try
                {
                    header = ImageInspector.ReadHeader(temporary, new ImageLimits { MaxMegapixels = tier.MaxInputMegapixels, MaxBytes = maxBytes });
                    ImageInspector.VerifyDecodes(temporary, header);
                }
                catch (UpscaleException e)
                {
                    return Problem(StatusCodes.Status422UnprocessableEntity, $"{fileName}: {e.Message}", e.Code.ToString());
                }

                // Measured once, here, from the file already on disk: the page shows it and a submit reads it from the row.
                InputConditionReport? condition;
                try
                {
                    condition = upscaler.DetectCondition(temporary, header);
                }
                catch (UpscaleException)
                {
                    condition = null;
                }

                var (width, height) = header.DisplaySize;
                var image = new StoredImage
                {
                    Id = Guid.CreateVersion7(),
                    UserId = userId,
                    FileName = fileName,
                    StorageKey = StorageKeys.Upload(userId, ImageFiles.Extension(header.Format)),
                    Format = header.Format,
                    Width = width,
                    Height = height,
                    SizeBytes = written,
                    DetectedCondition = condition?.Condition,
                    DetectedJpegQuality = condition?.JpegQuality,
                    DetectedNoiseSigma = condition?.NoiseSigma,
                    CreatedAt = clock.GetUtcNow().UtcDateTime,
                };
                try
                {
                    await store.ImportAsync(image.StorageKey, temporary, cancellationToken);
                }
                catch (StorageUnavailableException e)
                {
                    // Nothing is stored and nothing was charged (credits are reserved only at submit).
                    LogStorageUnavailable(loggers.CreateLogger(typeof(UploadEndpoints)), e);
                    return Problem(StatusCodes.Status503ServiceUnavailable,
                        $"{fileName}: the file storage cannot be reached right now. Nothing was stored or charged; try again in a minute.", "StorageUnavailable");
                }

                db.Images.Add(image);
                await db.SaveChangesAsync(cancellationToken);
                LogUploaded(loggers.CreateLogger(typeof(UploadEndpoints)), image.Id, width, height, written);
                return TypedResults.Ok(new UploadedImage(image.Id, image.FileName, image.Width, image.Height, image.Format.ToString(), image.SizeBytes, condition));
            }
            finally
            {
                File.Delete(temporary);
            }
        }

        return Problem(StatusCodes.Status400BadRequest, "The request held no file.");
    }

    /// <summary>Copies at most <paramref name="limit"/> bytes; returns -1 (and keeps nothing) when the file is larger.</summary>
    private static async Task<long> CopyLimitedAsync(Stream source, string path, long limit, CancellationToken cancellationToken)
    {
        var buffer = new byte[81920];
        long total = 0;
        await using var target = new FileStream(path, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1, useAsync: true);
        int read;
        while ((read = await source.ReadAsync(buffer, cancellationToken)) > 0)
        {
            total += read;
            if (total > limit)
            {
                return -1;
            }

            await target.WriteAsync(buffer.AsMemory(0, read), cancellationToken);
        }

        return total;
    }

    private static string SafeName(string name)
    {
        var file = Path.GetFileName(name.Replace('\\', '/').Trim('"'));
        var clean = new string(file.Where(c => !char.IsControl(c) && c is not ('<' or '>' or '"')).ToArray());
        return string.IsNullOrWhiteSpace(clean) ? "image" : clean.Length > 200 ? clean[..200] : clean;
    }

    private static IResult TooLarge(string tier, int megabytes) =>
        Problem(StatusCodes.Status413PayloadTooLarge, $"This file is larger than {megabytes} MB, the most the {tier} plan accepts.");

    private static IResult Problem(int status, string detail, string? code = null) =>
        TypedResults.Problem(detail: detail, statusCode: status, extensions: code is null ? null : new Dictionary<string, object?> { ["code"] = code });

    [LoggerMessage(Level = LogLevel.Warning, Message = "An upload was refused: the file storage is unreachable")]
    private static partial void LogStorageUnavailable(ILogger logger, Exception exception);

    [LoggerMessage(Level = LogLevel.Information, Message = "Image {ImageId} uploaded: {Width}x{Height}, {Bytes} bytes")]
    private static partial void LogUploaded(ILogger logger, Guid imageId, int width, int height, long bytes);
}
