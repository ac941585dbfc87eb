namespace Portal.Models.Evaluation;

/// <summary>
/// Separable resampling with half-pixel centres and edge pixels repeated, like MATLAB's
/// imresize: the usual way super-resolution benchmarks make low-resolution inputs. When
/// shrinking, the kernel is stretched by the factor, which is what makes it antialiased.
/// </summary>
public static class Resampler
{
    public enum Kernel
    {
        /// <summary>Keys cubic, a = -0.5.</summary>
        Bicubic,
        Lanczos3,
    }

    public static RgbImage Resize(RgbImage image, int width, int height, Kernel kernel)
    {
        var (support, function) = kernel switch
        {
            Kernel.Bicubic => (2.0, (Func<double, double>)Cubic),
            Kernel.Lanczos3 => (3.0, Lanczos3),
            _ => throw new ArgumentOutOfRangeException(nameof(kernel)),
        };
        var horizontal = Weights(image.Width, width, support, function);
        var vertical = Weights(image.Height, height, support, function);
        var sourceArea = image.Width * image.Height;
        var output = new float[3 * width * height];
        var rows = new float[image.Height * width];
        for (var c = 0; c < 3; c++)
        {
            var plane = image.Planes.AsSpan(c * sourceArea, sourceArea);
            for (var y = 0; y < image.Height; y++)
            {
                for (var x = 0; x < width; x++)
                {
                    var (first, weights) = horizontal[x];
                    double sum = 0;
                    for (var k = 0; k < weights.Length; k++)
                    {
                        sum += weights[k] * plane[y * image.Width + Math.Clamp(first + k, 0, image.Width - 1)];
                    }
                    rows[y * width + x] = (float)sum;
                }
            }
            for (var y = 0; y < height; y++)
            {
                var (first, weights) = vertical[y];
                for (var x = 0; x < width; x++)
                {
                    double sum = 0;
                    for (var k = 0; k < weights.Length; k++)
                    {
                        sum += weights[k] * rows[Math.Clamp(first + k, 0, image.Height - 1) * width + x];
                    }
                    output[c * width * height + y * width + x] = (float)sum;
                }
            }
        }
        return new RgbImage(width, height, output);
    }

    private static (int First, double[] Weights)[] Weights(int inSize, int outSize, double support, Func<double, double> kernel)
    {
        var scale = (double)outSize / inSize;
        var stretch = scale < 1 ? 1 / scale : 1; // antialiasing when shrinking
        var radius = support * stretch;
        var result = new (int, double[])[outSize];
        for (var o = 0; o < outSize; o++)
        {
            var centre = (o + 0.5) / scale - 0.5;
            var first = (int)Math.Floor(centre - radius) + 1;
            var last = (int)Math.Ceiling(centre + radius) - 1;
            var weights = new double[last - first + 1];
            double total = 0;
            for (var i = first; i <= last; i++)
            {
                var w = kernel((centre - i) / stretch);
                weights[i - first] = w;
                total += w;
            }
            for (var k = 0; k < weights.Length; k++)
            {
                weights[k] /= total;
            }
            result[o] = (first, weights);
        }
        return result;
    }

    private static double Cubic(double x)
    {
        const double a = -0.5;
        x = Math.Abs(x);
        return x <= 1 ? ((a + 2) * x - (a + 3)) * x * x + 1
            : x < 2 ? ((a * x - 5 * a) * x + 8 * a) * x - 4 * a
            : 0;
    }

    private static double Lanczos3(double x)
    {
        x = Math.Abs(x);
        if (x < 1e-12)
        {
            return 1;
        }
        if (x >= 3)
        {
            return 0;
        }
        var px = Math.PI * x;
        return 3 * Math.Sin(px) * Math.Sin(px / 3) / (px * px);
    }
}
