using System.Globalization;
using NetVips;

namespace Portal.Engine.Imaging;

/// <summary>
/// What the portal does to a finished result besides upscaling it: gallery thumbnails and conversion to another
/// format on download. Both live here so every libvips call sits in the engine, under the same limits.
/// </summary>
public static class ResultImages
{
    public const int ThumbnailSize = 360;

    /// <summary>Largest side each output format can store (WebP's header holds 14 bits, JPEG's 16).</summary>
    public static int MaxSide(OutputFormat format) => format switch
    {
        OutputFormat.WebP => 16_383,
        OutputFormat.Jpeg => 65_535,
        _ => 10_000_000,
    };

    /// <summary>Writes a small WebP preview with shrink-on-load (never decodes the full result).</summary>
    public static void WriteThumbnail(string imagePath, string thumbnailPath)
    {
        VipsRuntime.EnsureInitialized();
        using var thumbnail = Image.Thumbnail(imagePath, ThumbnailSize, height: ThumbnailSize, size: Enums.Size.Down);
        thumbnail.WriteToFile(thumbnailPath, new VOption { { "Q", 80 } });
    }

    /// <summary>
    /// Converts a stored result to <paramref name="format"/> (PNG, JPEG on white, or WebP), streaming it through
    /// libvips. A result too large for the format is refused with <see cref="UpscaleErrorCode.OutputTooLarge"/>
    /// before anything is written.
    /// </summary>
    public static void Convert(Stream source, OutputFormat format, string targetPath, CancellationToken cancellationToken)
    {
        if (format is not (OutputFormat.Png or OutputFormat.Jpeg or OutputFormat.WebP))
        {
            throw new ArgumentOutOfRangeException(nameof(format), format, "Convert to PNG, JPEG or WebP.");
        }

        VipsRuntime.EnsureInitialized();
        using var image = Image.NewFromStream(source, access: Enums.Access.Sequential);
        EnsureFits(image.Width, image.Height, format);
        using var flat = format == OutputFormat.Jpeg && image.HasAlpha() ? image.Flatten(background: [255.0]) : image.Copy();
        using (ImageDecoder.Watch(flat, cancellationToken))
        {
            flat.WriteToFile(targetPath, format == OutputFormat.Png ? null : new VOption { { "Q", 92 } });
        }

        cancellationToken.ThrowIfCancellationRequested();
    }

    /// <summary>Throws <see cref="UpscaleErrorCode.OutputTooLarge"/> when <paramref name="format"/> cannot hold the size.</summary>
    public static void EnsureFits(long width, long height, OutputFormat format)
    {
        var maxSide = MaxSide(format);
        if (width > maxSide || height > maxSide)
        {
            throw new UpscaleException(
                UpscaleErrorCode.OutputTooLarge,
                string.Create(CultureInfo.InvariantCulture, $"The result would be {width:N0} x {height:N0} pixels, but {format} images can be at most {maxSide:N0} pixels on a side; choose PNG or a smaller scale."));
        }
    }
}
