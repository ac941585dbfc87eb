namespace Portal.Engine.Imaging;

/// <summary>What the file header says, read without decoding pixels.</summary>
/// <param name="Width">Width as stored, before EXIF orientation.</param>
/// <param name="Height">Height as stored, before EXIF orientation.</param>
/// <param name="Bands">Channels including alpha (1 grey, 2 grey+alpha, 3 RGB, 4 RGBA or CMYK, 5 CMYK+alpha).</param>
/// <param name="BitsPerSample">8 or 16 for the formats we accept.</param>
/// <param name="Pages">Frames in the file; only the first is upscaled.</param>
public sealed record ImageHeader(
    ImageFormat Format,
    int Width,
    int Height,
    int Bands,
    bool HasAlpha,
    int BitsPerSample,
    bool IsCmyk,
    bool IsGrayscale,
    int Orientation,
    int Pages,
    long FileBytes)
{
    public long Pixels => (long)Width * Height;

    public double Megapixels => Pixels / 1_000_000.0;

    /// <summary>Width and height after applying the EXIF orientation.</summary>
    public (int Width, int Height) DisplaySize => Orientation is >= 5 and <= 8 ? (Height, Width) : (Width, Height);
}
