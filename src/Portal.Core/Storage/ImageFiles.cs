using Portal.Engine.Imaging;

namespace Portal.Core.Storage;

/// <summary>File extensions and media types of the formats the portal reads and writes.</summary>
public static class ImageFiles
{
    public static string Extension(OutputFormat format) => format switch
    {
        OutputFormat.Jpeg => ".jpg",
        OutputFormat.WebP => ".webp",
        _ => ".png",
    };

    public static string Extension(ImageFormat format) => format switch
    {
        ImageFormat.Jpeg => ".jpg",
        ImageFormat.Png => ".png",
        ImageFormat.WebP => ".webp",
        ImageFormat.Tiff => ".tif",
        ImageFormat.Gif => ".gif",
        ImageFormat.Avif => ".avif",
        _ => ".bin",
    };

    public static string ContentType(string extension) => extension.ToLowerInvariant() switch
    {
        ".jpg" or ".jpeg" => "image/jpeg",
        ".png" => "image/png",
        ".webp" => "image/webp",
        ".tif" or ".tiff" => "image/tiff",
        ".gif" => "image/gif",
        ".avif" => "image/avif",
        _ => "application/octet-stream",
    };
}
