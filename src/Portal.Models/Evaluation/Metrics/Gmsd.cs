namespace Portal.Models.Evaluation.Metrics;

/// <summary>
/// Gradient Magnitude Similarity Deviation (GMSD, 2014): how unevenly the result's edges
/// agree with the original's. 0 for identical images; lower is better.
/// </summary>
/// <remarks>
/// As the authors' reference code: luma averaged over 2x2 and halved, Prewitt gradients, similarity
/// constant 170 (for 0..255), population standard deviation of the similarity map. Gradients are
/// taken only where the 3x3 filter fits, rather than over zero padding, so flat images score 0.
/// </remarks>
public sealed class Gmsd : IQualityMetric
{
    private const double Constant = 170;

    public string Id => "gmsd";

    public string Label => "GMSD";

    public bool NeedsReference => true;

    public bool LowerIsBetter => true;

    public double? Measure(MetricSample sample) => Score(sample.RequireReference(Id), sample.Result, sample.Border);

    public static double Score(RgbImage reference, RgbImage result, int border)
    {
        var (a, width, height) = Halved(reference, border);
        var (b, _, _) = Halved(result, border);
        var ga = GradientMagnitude(a, width, height);
        var gb = GradientMagnitude(b, width, height);
        var map = new double[ga.Length];
        for (var i = 0; i < map.Length; i++)
        {
            map[i] = (2 * ga[i] * gb[i] + Constant) / (ga[i] * ga[i] + gb[i] * gb[i] + Constant);
        }
        var mean = map.Average();
        return Math.Sqrt(map.Select(v => (v - mean) * (v - mean)).Average());
    }

    private static (double[] Luma, int Width, int Height) Halved(RgbImage image, int border)
    {
        var full = ImageQuality.Luma(image.Quantized());
        int inner = image.Width - 2 * border, innerHeight = image.Height - 2 * border;
        int width = inner / 2, height = innerHeight / 2;
        var halved = new double[width * height];
        for (var y = 0; y < height; y++)
        {
            for (var x = 0; x < width; x++)
            {
                int sx = border + 2 * x, sy = border + 2 * y;
                halved[y * width + x] = (full[sy * image.Width + sx] + full[sy * image.Width + sx + 1]
                    + full[(sy + 1) * image.Width + sx] + full[(sy + 1) * image.Width + sx + 1]) / 4;
            }
        }
        return (halved, width, height);
    }

    /// <summary>Prewitt magnitude over the interior ((width-2) x (height-2)).</summary>
    private static double[] GradientMagnitude(double[] luma, int width, int height)
    {
        var result = new double[(width - 2) * (height - 2)];
        for (var y = 1; y < height - 1; y++)
        {
            for (var x = 1; x < width - 1; x++)
            {
                double gx = 0, gy = 0;
                for (var k = -1; k <= 1; k++)
                {
                    gx += luma[(y + k) * width + x - 1] - luma[(y + k) * width + x + 1];
                    gy += luma[(y - 1) * width + x + k] - luma[(y + 1) * width + x + k];
                }
                result[(y - 1) * (width - 2) + x - 1] = Math.Sqrt(gx * gx + gy * gy) / 3;
            }
        }
        return result;
    }
}
