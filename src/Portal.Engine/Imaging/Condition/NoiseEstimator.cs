using NetVips;

namespace Portal.Engine.Imaging.Condition;

/// <summary>
/// Estimates the standard deviation of white noise in an image, in grey levels of 255, with Donoho's
/// robust wavelet estimator: the median absolute value of the finest diagonal Haar detail band over
/// 0.6745. Edges and texture occupy few coefficients, so the median tracks the noise, not the content.
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
    public static double Estimate(ReadOnlySpan<float> luma, int width, int height)
    {
        var (bw, bh) = (width / 2, height / 2);
        if (bw == 0 || bh == 0)
        {
            return 0;
        }

        var details = new float[bw * bh];
        for (var y = 0; y < bh; y++)
        {
            var top = luma.Slice(2 * y * width, width);
            var bottom = luma.Slice(((2 * y) + 1) * width, width);
            for (var x = 0; x < bw; x++)
            {
                // Orthonormal Haar HH: keeps the noise's sigma unchanged.
                details[(y * bw) + x] = Math.Abs((top[2 * x] - top[(2 * x) + 1] - bottom[2 * x] + bottom[(2 * x) + 1]) / 2f);
            }
        }

        Array.Sort(details);
        var median = details.Length % 2 == 1
            ? details[details.Length / 2]
            : (details[(details.Length / 2) - 1] + details[details.Length / 2]) / 2f;
        return median / 0.6745;
    }
}
