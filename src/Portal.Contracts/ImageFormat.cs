namespace Portal.Engine.Imaging;

/// <summary>Container formats recognised by their magic bytes.</summary>
public enum ImageFormat
{
    Unknown,
    Jpeg,
    Png,
    WebP,
    Tiff,
    Gif,
    Avif,
}
