using Portal.Models.Evaluation;

namespace Portal.Models.Degradation;

/// <summary>
/// Separable resizing with half-pixel centres and clamped edges, matching PyTorch's
/// <c>F.interpolate(mode=area|bilinear|bicubic, align_corners=False)</c>, which Real-ESRGAN's
/// degradations use. Unlike <see cref="Resampler"/>, it never widens the kernel when shrinking.
/// </summary>
public static class ImageResizer
{
    public static RgbImage Resize(RgbImage image, int width, int height, ResizeMode mode)
    {
        if (width < 1 || height < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(width), $"Cannot resize to {width}x{height}.");
        }
        if (width == image.Width && height == image.Height)
        {
            return image;
        }
        var horizontal = Taps(image.Width, width, mode);
        var vertical = Taps(image.Height, height, mode);
        var sourceArea = image.Width * image.Height;
        var output = new float[3 * width * height];
        var rows = new double[image.Height * width];
        for (var c = 0; c < 3; c++)
        {
            var plane = image.Planes.AsSpan(c * sourceArea, sourceArea);
            for (var y = 0; y < image.Height; y++)
            {
                var row = plane.Slice(y * image.Width, image.Width);
                for (var x = 0; x < width; x++)
                {
                    var (indices, weights) = horizontal[x];
                    double sum = 0;
                    for (var k = 0; k < weights.Length; k++)
                    {
                        sum += weights[k] * row[indices[k]];
                    }
                    rows[y * width + x] = sum;
                }
            }
            for (var y = 0; y < height; y++)
            {
                var (indices, weights) = vertical[y];
                for (var x = 0; x < width; x++)
                {
                    double sum = 0;
                    for (var k = 0; k < weights.Length; k++)
                    {
                        sum += weights[k] * rows[indices[k] * width + x];
                    }
                    output[c * width * height + y * width + x] = (float)sum;
                }
            }
        }
        return new RgbImage(width, height, output);
    }

    private static (int[] Indices, double[] Weights)[] Taps(int inSize, int outSize, ResizeMode mode)
    {
        var ratio = (double)inSize / outSize;
        var taps = new (int[], double[])[outSize];
        for (var o = 0; o < outSize; o++)
        {
            switch (mode)
            {
                case ResizeMode.Area:
                {
                    var first = (int)Math.Floor(o * ratio);
                    // Rounding in (o + 1) * ratio can reach one past the edge when enlarging (a training crop's resize chain did).
                    var last = Math.Min((int)Math.Ceiling((o + 1) * ratio) - 1, inSize - 1);
                    var count = last - first + 1;
                    taps[o] = (Enumerable.Range(first, count).ToArray(), Enumerable.Repeat(1.0 / count, count).ToArray());
                    break;
                }
                case ResizeMode.Bilinear:
                {
                    var source = Math.Max((o + 0.5) * ratio - 0.5, 0);
                    var left = Math.Min((int)Math.Floor(source), inSize - 1);
                    var right = Math.Min(left + 1, inSize - 1);
                    var t = source - left;
                    taps[o] = ([left, right], [1 - t, t]);
                    break;
                }
                case ResizeMode.Bicubic:
                {
                    var source = (o + 0.5) * ratio - 0.5;
                    var left = (int)Math.Floor(source);
                    var t = source - left;
                    taps[o] = (
                        [Clamp(left - 1, inSize), Clamp(left, inSize), Clamp(left + 1, inSize), Clamp(left + 2, inSize)],
                        [Cubic(t + 1), Cubic(t), Cubic(1 - t), Cubic(2 - t)]);
                    break;
                }
                default:
                    throw new ArgumentOutOfRangeException(nameof(mode));
            }
        }
        return taps;
    }

    private static int Clamp(int index, int size) => Math.Clamp(index, 0, size - 1);

    private static double Cubic(double x)
    {
        const double a = -0.75;
        x = Math.Abs(x);
        return x <= 1 ? ((a + 2) * x - (a + 3)) * x * x + 1
            : x < 2 ? ((a * x - 5 * a) * x + 8 * a) * x - 4 * a
            : 0;
    }
}
