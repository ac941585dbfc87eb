namespace Portal.Engine.Imaging;

/// <summary>What the result is written as.</summary>
public enum OutputFormat
{
    /// <summary>JPEG, PNG and WebP stay as they are; TIFF, GIF and AVIF become PNG.</summary>
    SameAsInput,
    Png,
    Jpeg,
    WebP,
}
