using System.Globalization;
using NetVips;

namespace Portal.Engine.Imaging;

/// <summary>Reads an image's header (format from magic bytes, size, bands) and checks it against limits.</summary>
public static class ImageInspector
{
    private static readonly CultureInfo Numbers = CultureInfo.InvariantCulture;

    /// <summary>Reads the header only; no pixel is decoded, whatever size the file claims.</summary>
    /// <exception cref="UpscaleException">The file is missing, empty, not a supported image, or damaged.</exception>
    public static ImageHeader ReadHeader(string path)
    {
        var info = new FileInfo(path);
        if (!info.Exists)
        {
            throw new UpscaleException(UpscaleErrorCode.FileNotFound, "The image file could not be found.");
        }

        if (info.Length == 0)
        {
            throw new UpscaleException(UpscaleErrorCode.EmptyFile, "The file is empty (0 bytes).");
        }

        var format = SniffFile(path);
        if (format == ImageFormat.Unknown)
        {
            throw new UpscaleException(
                UpscaleErrorCode.UnsupportedFormat,
                "This file is not an image in a supported format (JPEG, PNG, WebP, TIFF, GIF or AVIF).");
        }

        try
        {
            using var image = VipsLoader.Open(path, format, Enums.Access.Sequential, Enums.FailOn.None);
            var interpretation = image.Interpretation;
            var bits = image.Format switch
            {
                Enums.BandFormat.Uchar or Enums.BandFormat.Char => 8,
                Enums.BandFormat.Ushort or Enums.BandFormat.Short => 16,
                _ => 32,
            };
            var orientation = image.Contains("orientation") ? Convert.ToInt32(image.Get("orientation"), Numbers) : 1;
            var pages = image.Contains("n-pages") ? Convert.ToInt32(image.Get("n-pages"), Numbers) : 1;
            var isCmyk = interpretation == Enums.Interpretation.Cmyk;
            return new ImageHeader(
                format,
                image.Width,
                image.Height,
                image.Bands,
                image.HasAlpha(),
                bits,
                isCmyk,
                interpretation is Enums.Interpretation.Bw or Enums.Interpretation.Grey16,
                orientation is >= 1 and <= 8 ? orientation : 1,
                Math.Max(1, pages),
                info.Length);
        }
        catch (VipsException e)
        {
            throw Damaged(format, e);
        }
    }

    /// <summary>Reads the header and refuses it, before decoding, if it is over the limits.</summary>
    public static ImageHeader ReadHeader(string path, ImageLimits limits)
    {
        ArgumentNullException.ThrowIfNull(limits);
        var length = new FileInfo(path) is { Exists: true } f ? f.Length : 0;
        if (length > limits.MaxBytes)
        {
            throw new UpscaleException(
                UpscaleErrorCode.TooManyBytes,
                string.Create(Numbers, $"This file is {FormatBytes(length)}; the limit is {FormatBytes(limits.MaxBytes)}."));
        }

        var header = ReadHeader(path);
        Check(header, limits);
        return header;
    }

    /// <summary>Throws the user-facing error if <paramref name="header"/> exceeds <paramref name="limits"/>.</summary>
    public static void Check(ImageHeader header, ImageLimits limits)
    {
        ArgumentNullException.ThrowIfNull(header);
        ArgumentNullException.ThrowIfNull(limits);
        if (header.FileBytes > limits.MaxBytes)
        {
            throw new UpscaleException(
                UpscaleErrorCode.TooManyBytes,
                string.Create(Numbers, $"This file is {FormatBytes(header.FileBytes)}; the limit is {FormatBytes(limits.MaxBytes)}."));
        }

        if (header.Megapixels > limits.MaxMegapixels)
        {
            throw new UpscaleException(
                UpscaleErrorCode.TooManyPixels,
                string.Create(Numbers, $"This image is {header.Width:N0} x {header.Height:N0} pixels; the limit is {FormatMegapixels(limits.MaxMegapixels)} megapixels."));
        }
    }

    public static ImageFormat SniffFile(string path)
    {
        Span<byte> head = stackalloc byte[FormatSniffer.BytesNeeded];
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1);
        var read = stream.ReadAtLeast(head, head.Length, throwOnEndOfStream: false);
        return FormatSniffer.Sniff(head[..read]);
    }

    /// <summary>
    /// Decodes every pixel once, sequentially (no full-size buffer), so a truncated or damaged file is refused
    /// when it is uploaded instead of failing a paid job later. GIF and other multi-page files: the first frame.
    /// </summary>
    public static void VerifyDecodes(string path, ImageHeader header)
    {
        ArgumentNullException.ThrowIfNull(header);
        try
        {
            using var image = VipsLoader.Open(path, header.Format, NetVips.Enums.Access.Sequential, NetVips.Enums.FailOn.Truncated);
            _ = image.Avg();
        }
        catch (NetVips.VipsException e)
        {
            throw Damaged(header.Format, e);
        }
    }

    internal static UpscaleException Damaged(ImageFormat format, Exception inner) => new(
        UpscaleErrorCode.DamagedImage,
        $"This {Describe(format)} file is damaged or incomplete and could not be read.",
        inner);

    internal static string Describe(ImageFormat format) => format switch
    {
        ImageFormat.Jpeg => "JPEG",
        ImageFormat.Png => "PNG",
        ImageFormat.WebP => "WebP",
        ImageFormat.Tiff => "TIFF",
        ImageFormat.Gif => "GIF",
        ImageFormat.Avif => "AVIF",
        _ => "image",
    };

    internal static string FormatMegapixels(double megapixels) =>
        megapixels.ToString("#,0.##", Numbers);

    internal static string FormatBytes(long bytes) => bytes switch
    {
        >= 1024L * 1024 * 1024 => string.Create(Numbers, $"{bytes / (1024.0 * 1024 * 1024):0.#} GB"),
        >= 1024L * 1024 => string.Create(Numbers, $"{bytes / (1024.0 * 1024):0.#} MB"),
        >= 1024 => string.Create(Numbers, $"{bytes / 1024.0:0.#} KB"),
        _ => string.Create(Numbers, $"{bytes:N0} bytes"),
    };
}
