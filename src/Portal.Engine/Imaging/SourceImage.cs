using NetVips;

namespace Portal.Engine.Imaging;

/// <summary>
/// A decoded input ready for the network: upright, RGB, interleaved, 8 or 16 bits per sample.
/// Alpha and metadata are held aside to be put back on the result.
/// </summary>
internal sealed class SourceImage(
    int width,
    int height,
    byte[]? pixels8,
    ushort[]? pixels16,
    Image? alpha,
    bool wasGrayscale,
    IReadOnlyDictionary<string, byte[]> metadata) : IDisposable
{
    public int Width { get; } = width;

    public int Height { get; } = height;

    public bool Is16Bit => Pixels16 is not null;

    public byte[]? Pixels8 { get; } = pixels8;

    public ushort[]? Pixels16 { get; } = pixels16;

    /// <summary>The alpha band at input size, in memory, or null.</summary>
    public Image? Alpha { get; } = alpha;

    public bool WasGrayscale { get; } = wasGrayscale;

    /// <summary>Blobs such as icc-profile-data, exif-data, xmp-data, iptc-data to copy onto the result.</summary>
    public IReadOnlyDictionary<string, byte[]> Metadata { get; } = metadata;

    /// <summary>
    /// Writes the window <paramref name="x"/>,<paramref name="y"/>,<paramref name="w"/>,<paramref name="h"/>
    /// as planar float RGB in 0..1 into <paramref name="chw"/> (length 3*tw*th). Where the target is larger
    /// than the window (tiny images), edge pixels are repeated.
    /// </summary>
    public void ReadTile(int x, int y, int w, int h, int tw, int th, Span<float> chw)
    {
        var plane = tw * th;
        if (Pixels8 is { } p8)
        {
            const float inv = 1f / 255f;
            for (var ty = 0; ty < th; ty++)
            {
                var row = (y + Math.Min(ty, h - 1)) * Width;
                var o = ty * tw;
                for (var tx = 0; tx < tw; tx++)
                {
                    var i = (row + x + Math.Min(tx, w - 1)) * 3;
                    chw[o + tx] = p8[i] * inv;
                    chw[plane + o + tx] = p8[i + 1] * inv;
                    chw[(2 * plane) + o + tx] = p8[i + 2] * inv;
                }
            }
        }
        else
        {
            var p16 = Pixels16!;
            const float inv = 1f / 65535f;
            for (var ty = 0; ty < th; ty++)
            {
                var row = (y + Math.Min(ty, h - 1)) * Width;
                var o = ty * tw;
                for (var tx = 0; tx < tw; tx++)
                {
                    var i = (row + x + Math.Min(tx, w - 1)) * 3;
                    chw[o + tx] = p16[i] * inv;
                    chw[plane + o + tx] = p16[i + 1] * inv;
                    chw[(2 * plane) + o + tx] = p16[i + 2] * inv;
                }
            }
        }
    }

    public void Dispose() => Alpha?.Dispose();
}
