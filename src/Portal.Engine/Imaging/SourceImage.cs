using NetVips;
using Portal.Models.Restoration;

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

    /// <summary>
    /// Smooths the JPEG coding grid in place (<see cref="JpegDeblocker"/>), one colour channel at a time,
    /// before any tile is read, so tiles and the face pass all see the same deblocked picture.
    /// </summary>
    public void Deblock(int jpegQuality, double strength, int gridX, int gridY)
    {
        var area = Width * Height;
        var plane = new float[area];
        var max = Is16Bit ? 65535f : 255f;
        for (var c = 0; c < 3; c++)
        {
            for (var i = 0; i < area; i++)
            {
                plane[i] = (Pixels8 is { } p8 ? p8[(3 * i) + c] : Pixels16![(3 * i) + c]) / max;
            }

            JpegDeblocker.ApplyInPlace(plane, Width, Height, jpegQuality, strength, gridX, gridY);
            for (var i = 0; i < area; i++)
            {
                // A ramp next to a side that was already at 0 or 1 can step just past it.
                var v = (Math.Clamp(plane[i], 0f, 1f) * max) + 0.5f;
                if (Pixels8 is { } p8)
                {
                    p8[(3 * i) + c] = (byte)v;
                }
                else
                {
                    Pixels16![(3 * i) + c] = (ushort)v;
                }
            }
        }
    }

    /// <summary>A copy of the pixels in a rectangle, without alpha or metadata (the face pass runs a second network on it).</summary>
    public SourceImage Crop(int x, int y, int w, int h)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(x);
        ArgumentOutOfRangeException.ThrowIfNegative(y);
        ArgumentOutOfRangeException.ThrowIfLessThan(w, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(h, 1);
        if (x + w > Width || y + h > Height)
        {
            throw new ArgumentOutOfRangeException(nameof(w), $"The crop {x},{y} {w}x{h} is not inside the {Width}x{Height} image.");
        }

        var crop8 = Pixels8 is null ? null : new byte[w * h * 3];
        var crop16 = Pixels16 is null ? null : new ushort[w * h * 3];
        for (var row = 0; row < h; row++)
        {
            var from = (((y + row) * Width) + x) * 3;
            if (crop8 is not null)
            {
                Pixels8.AsSpan(from, w * 3).CopyTo(crop8.AsSpan(row * w * 3));
            }
            else
            {
                Pixels16.AsSpan(from, w * 3).CopyTo(crop16.AsSpan(row * w * 3));
            }
        }

        return new SourceImage(w, h, crop8, crop16, null, WasGrayscale, new Dictionary<string, byte[]>());
    }

    /// <summary>
    /// The image as planar float RGB for the analysis networks, shrunk by an area average when its longer
    /// side exceeds <paramref name="maxSide"/>; <c>Factor</c> is analysis pixels per input pixel (at most 1).
    /// </summary>
    public (Portal.Models.Evaluation.RgbImage Image, float Factor) ToAnalysisImage(int maxSide)
    {
        var step = Math.Max(1, (int)Math.Ceiling(Math.Max(Width, Height) / (double)maxSide));
        int aw = Math.Max(1, Width / step), ah = Math.Max(1, Height / step), area = aw * ah;
        var planes = new float[3 * area];
        var scale = 1f / ((Is16Bit ? 65535f : 255f) * step * step);
        for (var ay = 0; ay < ah; ay++)
        {
            for (var ax = 0; ax < aw; ax++)
            {
                float r = 0, g = 0, b = 0;
                for (var dy = 0; dy < step; dy++)
                {
                    var i = ((((ay * step) + dy) * Width) + (ax * step)) * 3;
                    for (var dx = 0; dx < step; dx++, i += 3)
                    {
                        if (Pixels8 is { } p8)
                        {
                            r += p8[i];
                            g += p8[i + 1];
                            b += p8[i + 2];
                        }
                        else
                        {
                            r += Pixels16![i];
                            g += Pixels16[i + 1];
                            b += Pixels16[i + 2];
                        }
                    }
                }

                var o = (ay * aw) + ax;
                planes[o] = r * scale;
                planes[area + o] = g * scale;
                planes[(2 * area) + o] = b * scale;
            }
        }

        return (new Portal.Models.Evaluation.RgbImage(aw, ah, planes), 1f / step);
    }

    public void Dispose() => Alpha?.Dispose();
}
