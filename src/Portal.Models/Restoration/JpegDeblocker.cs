using Portal.Models.Evaluation;

namespace Portal.Models.Restoration;

/// <summary>
/// A light deblocking of a decoded JPEG on its 8x8 coding grid, before a real-world model sees it.
/// Across each block boundary, where the step is small enough to be a quantization error (it scales
/// with the file's JPEG quality) and both sides are flat, the step is spread into a ramp over three
/// pixels each side; real edges (large steps) and textured areas are left alone. In the spirit of the
/// loop filters of H.263 / H.264, kept simple: one pass per direction, no chroma-specific handling
/// (4:2:0 chroma blocks are 16 px, whose boundaries are a subset of the 8 px grid).
/// The grid is assumed to start at the image origin, which holds for a decoded JPEG that was not
/// rotated by its EXIF orientation.
/// </summary>
public static class JpegDeblocker
{
    /// <summary>The block size of baseline JPEG.</summary>
    public const int Block = 8;

    /// <summary>The deblocked copy of an image saved at <paramref name="jpegQuality"/> (IJG 1..100).</summary>
    public static RgbImage Apply(RgbImage image, int jpegQuality, double strength = 1.0)
    {
        ArgumentNullException.ThrowIfNull(image);
        var planes = (float[])image.Planes.Clone();
        var area = image.Width * image.Height;
        for (var c = 0; c < 3; c++)
        {
            ApplyInPlace(planes.AsSpan(c * area, area), image.Width, image.Height, jpegQuality, strength);
        }
        return new RgbImage(image.Width, image.Height, planes);
    }

    /// <summary>
    /// Deblocks one channel (values 0..1, row-major) in place. <paramref name="gridX"/> and <paramref name="gridY"/>
    /// (0..7) say where the coding grid's lines fall when the picture was flipped or turned by its EXIF
    /// orientation after decoding: a mirrored axis of length L puts them at L mod 8.
    /// </summary>
    public static void ApplyInPlace(Span<float> plane, int width, int height, int jpegQuality, double strength = 1.0, int gridX = 0, int gridY = 0)
    {
        if (plane.Length < width * height)
        {
            throw new ArgumentException($"The plane holds {plane.Length} values; a {width}x{height} image needs {width * height}.", nameof(plane));
        }
        var (alpha, beta) = Thresholds(jpegQuality, strength);
        if (alpha <= 0)
        {
            return;
        }
        // Vertical boundaries (columns 8, 16, ...), then horizontal ones on the result.
        for (var x = FirstBoundary(gridX); x <= width - 3; x += Block)
        {
            for (var y = 0; y < height; y++)
            {
                Smooth(plane, (y * width) + x, 1, alpha, beta);
            }
        }
        for (var y = FirstBoundary(gridY); y <= height - 3; y += Block)
        {
            for (var x = 0; x < width; x++)
            {
                Smooth(plane, (y * width) + x, width, alpha, beta);
            }
        }
    }

    /// <summary>
    /// The largest boundary step treated as a quantization error, and the largest step inside a block
    /// that still counts as flat, both in 0..1 units. IJG scales its tables by 5000/q below 50 and by
    /// 200 - 2q above; a luma DC step of 16 at quality 50 moves a block's mean by 2 grey levels, and the
    /// low-frequency AC terms give boundary steps of a few times that.
    /// </summary>
    public static (float Alpha, float Beta) Thresholds(int jpegQuality, double strength = 1.0)
    {
        var q = Math.Clamp(jpegQuality, 1, 100);
        var tableScale = (q < 50 ? 5000.0 / q : 200.0 - (2.0 * q)) / 100.0;
        var alpha = 8.0 * tableScale * strength / 255.0;
        var beta = 3.0 * tableScale * strength / 255.0;
        return ((float)alpha, (float)beta);
    }

    // A boundary needs three pixels before it; one at the image edge is no boundary.
    private static int FirstBoundary(int grid)
    {
        var first = ((grid % Block) + Block) % Block;
        while (first < 3)
        {
            first += Block;
        }
        return first;
    }

    // q0 is at `index`, p0 one step before it: ... p2 p1 p0 | q0 q1 q2 ...
    private static void Smooth(Span<float> plane, int index, int step, float alpha, float beta)
    {
        float p2 = plane[index - (3 * step)], p1 = plane[index - (2 * step)], p0 = plane[index - step];
        float q0 = plane[index], q1 = plane[index + step], q2 = plane[index + (2 * step)];
        var d = q0 - p0;
        if (MathF.Abs(d) >= alpha
            || MathF.Abs(p1 - p0) >= beta || MathF.Abs(q1 - q0) >= beta
            || MathF.Abs(p2 - p1) >= beta || MathF.Abs(q2 - q1) >= beta)
        {
            return;
        }
        // A step d between two flat sides becomes a ramp from p3 to q3: p2..q2 move by d/8 x (1,2,3,-3,-2,-1).
        var eighth = d / 8f;
        plane[index - (3 * step)] = p2 + eighth;
        plane[index - (2 * step)] = p1 + (2 * eighth);
        plane[index - step] = p0 + (3 * eighth);
        plane[index] = q0 - (3 * eighth);
        plane[index + step] = q1 - (2 * eighth);
        plane[index + (2 * step)] = q2 - eighth;
    }
}
