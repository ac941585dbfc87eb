using NetVips;

namespace Portal.Engine.Imaging;

/// <summary>
/// Opens a file with the one loader its magic bytes call for. Going through
/// <c>Image.NewFromFile</c> would let libvips pick any loader and parse "[options]" out of the path.
/// </summary>
internal static class VipsLoader
{
    public static Image Open(string path, ImageFormat format, Enums.Access access, Enums.FailOn failOn)
    {
        VipsRuntime.EnsureInitialized();
        return format switch
        {
            ImageFormat.Jpeg => Image.Jpegload(path, access: access, failOn: failOn),
            ImageFormat.Png => Image.Pngload(path, access: access, failOn: failOn),
            ImageFormat.WebP => Image.Webpload(path, access: access, failOn: failOn),
            ImageFormat.Tiff => Image.Tiffload(path, access: access, failOn: failOn),
            ImageFormat.Gif => Image.Gifload(path, access: access, failOn: failOn),
            ImageFormat.Avif => Image.Heifload(path, access: access, failOn: failOn),
            _ => throw new ArgumentOutOfRangeException(nameof(format), format, "No loader for this format."),
        };
    }
}
