namespace Portal.Models.Evaluation.Metrics;

/// <summary>
/// How much of a JPEG's 8x8 coding grid is left: the mean luma step across grid lines over the
/// mean step everywhere else. About 1.0 for a photo that was never compressed; a visible grid
/// gives 1.3 and more.
/// </summary>
/// <remarks>
/// The grid of an upload lies on the pixels the model was given, so an upscaled result is first
/// shrunk back by its scale (area average) and measured on that grid: a model that sharpens the
/// blocks scores higher, one that removes them scores like the clean original.
/// </remarks>
public sealed class JpegBlockiness : IQualityMetric
{
    public const int BlockSize = 8;

    public string Id => "blockiness";

    public string Label => "blockiness";

    public bool NeedsReference => false;

    public bool LowerIsBetter => true;

    public string? Note => "1.0 = no grid; compare with the clean original's value";

    public double? Measure(MetricSample sample) => Measure(sample.Result, sample.Scale);

    public static double Measure(RgbImage image, int scale)
    {
        int width = image.Width / scale, height = image.Height / scale;
        var luma = ShrunkLuma(image, scale, width, height);
        double onGrid = 0, offGrid = 0;
        long onCount = 0, offCount = 0;
        for (var y = 0; y < height; y++)
        {
            for (var x = 0; x + 1 < width; x++)
            {
                var step = Math.Abs(luma[y * width + x + 1] - luma[y * width + x]);
                if ((x + 1) % BlockSize == 0)
                {
                    onGrid += step;
                    onCount++;
                }
                else
                {
                    offGrid += step;
                    offCount++;
                }
            }
        }
        for (var y = 0; y + 1 < height; y++)
        {
            for (var x = 0; x < width; x++)
            {
                var step = Math.Abs(luma[(y + 1) * width + x] - luma[y * width + x]);
                if ((y + 1) % BlockSize == 0)
                {
                    onGrid += step;
                    onCount++;
                }
                else
                {
                    offGrid += step;
                    offCount++;
                }
            }
        }
        if (onCount == 0 || offGrid == 0)
        {
            return 1.0; // too small to hold a grid line, or flat: nothing to see
        }
        return onGrid / onCount / (offGrid / offCount);
    }

    private static double[] ShrunkLuma(RgbImage image, int scale, int width, int height)
    {
        var full = ImageQuality.Luma(image.Quantized());
        var luma = new double[width * height];
        for (var y = 0; y < height; y++)
        {
            for (var x = 0; x < width; x++)
            {
                double sum = 0;
                for (var dy = 0; dy < scale; dy++)
                {
                    for (var dx = 0; dx < scale; dx++)
                    {
                        sum += full[(y * scale + dy) * image.Width + x * scale + dx];
                    }
                }
                luma[y * width + x] = sum / (scale * scale);
            }
        }
        return luma;
    }
}
