using NetVips;

namespace Portal.Engine.Imaging.Condition;

/// <summary>
/// Estimates the standard deviation of white noise in an image, in grey levels of 255, from the finest
/// diagonal Haar detail band (where noise is white and content is weakest), measured block by block:
/// a low percentile of the blocks' RMS tracks the flat areas, so fur, foliage and edges, which raise a
/// global median-absolute-deviation estimate, do not pass for noise.
/// </summary>
public static class NoiseEstimator
{
    /// <summary>The side of the centre crop measured: enough coefficients for a stable median, bounded cost for large uploads.</summary>
    public const int CropSide = 1024;

    /// <summary>Noise sigma per colour channel (the mean over R, G and B, or the grey channel), measured on a centre crop.</summary>
    public static double Estimate(string path, ImageFormat format)
    {
        using var image = VipsLoader.Open(path, format, Enums.Access.Random, Enums.FailOn.None);
        using var flat = image.HasAlpha() ? image.Flatten() : image.Copy();
        using var srgb = flat.Colourspace(Enums.Interpretation.Srgb);
        var (w, h) = (Math.Min(CropSide, srgb.Width), Math.Min(CropSide, srgb.Height));
        using var crop = srgb.Crop((srgb.Width - w) / 2, (srgb.Height - h) / 2, w, h);
        var bands = Math.Min(3, crop.Bands);
        double sum = 0;
        for (var band = 0; band < bands; band++)
        {
            // Per channel, not on luma: luma averages independent channel noise down to about 0.67 of it.
            using var channel = crop.ExtractBand(band);
            using var floats = channel.Cast(Enums.BandFormat.Float);
            sum += Estimate(floats.WriteToMemory<float>(), w, h);
        }

        return sum / bands;
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

    /// <summary>Where pure noise's block RMS lands at that percentile (64 coefficients: 1 - 1.645 x 0.088).</summary>
    private const double PercentileBias = 0.855;
}
