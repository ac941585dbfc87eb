using NetVips;

namespace Portal.Engine.Imaging.Condition;

/// <summary>
/// Estimates the standard deviation of white noise in an image, in grey levels of 255, from the finest
/// diagonal Haar detail band (where noise is white and content is weakest), measured block by block:
/// a low percentile of the blocks' RMS tracks the flat areas. On small or busy photos (grass, moss, fur
/// at 64 px) no block is flat, so that detail reads like noise of sigma 4-8 although nothing was added.
/// Texture moves R, G and B together (scaled by the surface's colour) while sensor and colour noise is
/// independent per channel, so for colour images the estimate is the part of the detail that the three
/// channels do not share (<see cref="EstimateAcrossChannels"/>). Grey (luminance-only) noise has no such
/// part: it is only recognised when the per-channel estimate rises above anything texture gives
/// (<see cref="GreyNoiseAbove"/>).
/// </summary>
public static class NoiseEstimator
{
    /// <summary>The side of the centre crop measured: enough coefficients for a stable median, bounded cost for large uploads.</summary>
    public const int CropSide = 1024;

    /// <summary>
    /// A per-channel estimate above this is taken for noise even without a colour part. Measured on the 16
    /// evaluation photos' x4 downscales (docs/MODELS.md, "Input condition"): texture reads at most 7.8 (moss);
    /// grey noise of sigma 10 reads 7.9-14.
    /// </summary>
    public const double GreyNoiseAbove = 9.0;

    /// <summary>Noise sigma per colour channel, measured on a centre crop (see the type's summary for how).</summary>
    public static double Estimate(string path, ImageFormat format)
    {
        using var image = VipsLoader.Open(path, format, Enums.Access.Random, Enums.FailOn.None);
        using var flat = image.HasAlpha() ? image.Flatten() : image.Copy();
        using var srgb = flat.Colourspace(Enums.Interpretation.Srgb);
        var (w, h) = (Math.Min(CropSide, srgb.Width), Math.Min(CropSide, srgb.Height));
        using var crop = srgb.Crop((srgb.Width - w) / 2, (srgb.Height - h) / 2, w, h);
        var planes = new float[Math.Min(3, crop.Bands)][];
        for (var band = 0; band < planes.Length; band++)
        {
            using var channel = crop.ExtractBand(band);
            using var floats = channel.Cast(Enums.BandFormat.Float);
            planes[band] = floats.WriteToMemory<float>();
        }

        return planes.Length == 3 ? EstimateRgb(planes[0], planes[1], planes[2], w, h) : Estimate(planes[0], w, h);
    }

    /// <summary>
    /// Noise sigma per channel of an RGB image given as three planes: the cross-channel estimate, unless the
    /// per-channel estimate is above <see cref="GreyNoiseAbove"/>.
    /// </summary>
    public static double EstimateRgb(ReadOnlySpan<float> red, ReadOnlySpan<float> green, ReadOnlySpan<float> blue, int width, int height)
    {
        // Per channel, not on luma: luma averages independent channel noise down to about 0.67 of it.
        var perChannel = (Estimate(red, width, height) + Estimate(green, width, height) + Estimate(blue, width, height)) / 3;
        return perChannel > GreyNoiseAbove ? perChannel : EstimateAcrossChannels(red, green, blue, width, height);
    }

    /// <summary>
    /// Per block, the finest diagonal Haar coefficients of R, G and B form a 3 x 3 covariance; texture, tinted by
    /// whatever colour the surface has, moves the three channels together (one or two directions), while
    /// independent noise spreads over all three, so the smallest eigenvalue is the noise's variance. The median
    /// block, corrected for the small-sample bias of a smallest eigenvalue, is the estimate.
    /// </summary>
    public static double EstimateAcrossChannels(ReadOnlySpan<float> red, ReadOnlySpan<float> green, ReadOnlySpan<float> blue, int width, int height)
    {
        var (bw, bh) = (width / 2, height / 2);
        if (bw == 0 || bh == 0)
        {
            return 0;
        }

        var (cols, rows) = (Math.Max(1, bw / BlockSide), Math.Max(1, bh / BlockSide));
        var blocks = new double[cols * rows];
        Span<double> detail = stackalloc double[3];
        for (var by = 0; by < rows; by++)
        {
            for (var bx = 0; bx < cols; bx++)
            {
                double rr = 0, gg = 0, bb = 0, rg = 0, rb = 0, gb = 0;
                var count = 0;
                for (var y = by * BlockSide; y < Math.Min(bh, (by + 1) * BlockSide); y++)
                {
                    for (var x = bx * BlockSide; x < Math.Min(bw, (bx + 1) * BlockSide); x++)
                    {
                        detail[0] = Diagonal(red, width, x, y);
                        detail[1] = Diagonal(green, width, x, y);
                        detail[2] = Diagonal(blue, width, x, y);
                        rr += detail[0] * detail[0];
                        gg += detail[1] * detail[1];
                        bb += detail[2] * detail[2];
                        rg += detail[0] * detail[1];
                        rb += detail[0] * detail[2];
                        gb += detail[1] * detail[2];
                        count++;
                    }
                }

                blocks[(by * cols) + bx] = Math.Sqrt(Math.Max(0, SmallestEigenvalue(rr / count, gg / count, bb / count, rg / count, rb / count, gb / count)));
            }
        }

        Array.Sort(blocks);
        return blocks[blocks.Length / 2] / SmallestEigenvalueBias;
    }

    /// <summary>Orthonormal Haar HH at detail coefficient (x, y): keeps the noise's sigma unchanged.</summary>
    private static double Diagonal(ReadOnlySpan<float> plane, int width, int x, int y)
    {
        var top = (2 * y * width) + (2 * x);
        var bottom = top + width;
        return (plane[top] - plane[top + 1] - plane[bottom] + plane[bottom + 1]) / 2.0;
    }

    /// <summary>The smallest eigenvalue of a symmetric 3 x 3 matrix (the trigonometric closed form).</summary>
    private static double SmallestEigenvalue(double a, double b, double c, double ab, double ac, double bc)
    {
        var offDiagonal = (ab * ab) + (ac * ac) + (bc * bc);
        var mean = (a + b + c) / 3;
        var spread = Math.Sqrt((((a - mean) * (a - mean)) + ((b - mean) * (b - mean)) + ((c - mean) * (c - mean)) + (2 * offDiagonal)) / 6);
        if (spread < 1e-12)
        {
            return mean;
        }

        var (p, q, r) = ((a - mean) / spread, (b - mean) / spread, (c - mean) / spread);
        var (pq, pr, qr) = (ab / spread, ac / spread, bc / spread);
        var half = ((p * ((q * r) - (qr * qr))) - (pq * ((pq * r) - (qr * pr))) + (pr * ((pq * qr) - (q * pr)))) / 2;
        var angle = Math.Acos(Math.Clamp(half, -1, 1)) / 3;
        return mean + (2 * spread * Math.Cos(angle + (2 * Math.PI / 3)));
    }

    /// <summary>Noise sigma of one plane (row-major, grey levels of 255).</summary>
    public static double Estimate(ReadOnlySpan<float> plane, int width, int height)
    {
        var (bw, bh) = (width / 2, height / 2);
        if (bw == 0 || bh == 0)
        {
            return 0;
        }

        // Per block of BlockSide x BlockSide detail coefficients, the RMS (the noise's sigma where the block is flat);
        // the low percentile over blocks picks the flattest ones, so texture and edges do not count as noise.
        var (cols, rows) = (Math.Max(1, bw / BlockSide), Math.Max(1, bh / BlockSide));
        var blocks = new double[cols * rows];
        for (var by = 0; by < rows; by++)
        {
            for (var bx = 0; bx < cols; bx++)
            {
                double sum = 0;
                var count = 0;
                for (var y = by * BlockSide; y < Math.Min(bh, (by + 1) * BlockSide); y++)
                {
                    var top = plane.Slice(2 * y * width, width);
                    var bottom = plane.Slice(((2 * y) + 1) * width, width);
                    for (var x = bx * BlockSide; x < Math.Min(bw, (bx + 1) * BlockSide); x++)
                    {
                        // Orthonormal Haar HH: keeps the noise's sigma unchanged.
                        var detail = (top[2 * x] - top[(2 * x) + 1] - bottom[2 * x] + bottom[(2 * x) + 1]) / 2.0;
                        sum += detail * detail;
                        count++;
                    }
                }

                blocks[(by * cols) + bx] = Math.Sqrt(sum / count);
            }
        }

        Array.Sort(blocks);
        return blocks[(int)(Percentile * (blocks.Length - 1))] / PercentileBias;
    }

    /// <summary>Detail coefficients per block side: 8 (a 16 x 16 pixel block, 64 coefficients).</summary>
    private const int BlockSide = 8;

    private const double Percentile = 0.05;

    /// <summary>
    /// Where pure noise's smallest-eigenvalue sigma lands at the median block, as a fraction of its sigma (64
    /// coefficients per block; measured on seeded white noise, tests/Portal.Engine.Tests InputConditionDetection).
    /// </summary>
    private const double SmallestEigenvalueBias = 0.866;

    /// <summary>Where pure noise's block RMS lands at that percentile (64 coefficients: 1 - 1.645 x 0.088).</summary>
    private const double PercentileBias = 0.855;
}
