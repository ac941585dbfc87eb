namespace Portal.Models.Evaluation;

/// <summary>
/// PSNR and SSIM on luma, the way super-resolution papers report them: Y of BT.601 YCbCr
/// (16..235) from 8-bit RGB, with a border of <c>scale</c> pixels left out.
/// </summary>
public static class ImageQuality
{
    public static double[] Luma(RgbImage image)
    {
        var area = image.Width * image.Height;
        var luma = new double[area];
        for (var i = 0; i < area; i++)
        {
            luma[i] = 16.0 + 65.481 * image.Planes[i] + 128.553 * image.Planes[area + i] + 24.966 * image.Planes[2 * area + i];
        }
        return luma;
    }

    public static double Psnr(RgbImage expected, RgbImage actual, int border)
    {
        var (a, b, width, height) = CroppedLuma(expected, actual, border);
        double sum = 0;
        for (var i = 0; i < a.Length; i++)
        {
            var d = a[i] - b[i];
            sum += d * d;
        }
        var mse = sum / (width * height);
        return mse == 0 ? 100 : 10 * Math.Log10(255.0 * 255.0 / mse);
    }

    /// <summary>PSNR over all three channels of the whole image (no border): how close two outputs of the same size are.</summary>
    public static double RgbPsnr(RgbImage expected, RgbImage actual)
    {
        if (expected.Planes.Length != actual.Planes.Length)
        {
            throw new ArgumentException("The images differ in size.", nameof(actual));
        }
        double sum = 0;
        for (var i = 0; i < expected.Planes.Length; i++)
        {
            var d = (expected.Planes[i] - actual.Planes[i]) * 255.0;
            sum += d * d;
        }
        var mse = sum / expected.Planes.Length;
        return mse == 0 ? 100 : 10 * Math.Log10(255.0 * 255.0 / mse);
    }

    /// <summary>Mean SSIM with an 11x11 Gaussian window (sigma 1.5), K1 = 0.01, K2 = 0.03.</summary>
    public static double Ssim(RgbImage expected, RgbImage actual, int border)
    {
        var (a, b, width, height) = CroppedLuma(expected, actual, border);
        const double c1 = 0.01 * 255 * 0.01 * 255;
        const double c2 = 0.03 * 255 * 0.03 * 255;
        var window = Gaussian(11, 1.5);
        var mu1 = Filter(a, width, height, window);
        var mu2 = Filter(b, width, height, window);
        var aa = Filter(a.Select(v => v * v).ToArray(), width, height, window);
        var bb = Filter(b.Select(v => v * v).ToArray(), width, height, window);
        var ab = Filter(a.Zip(b, (x, y) => x * y).ToArray(), width, height, window);
        int validWidth = width - 10, validHeight = height - 10;
        double total = 0;
        for (var y = 0; y < validHeight; y++)
        {
            for (var x = 0; x < validWidth; x++)
            {
                var i = y * validWidth + x;
                double m1 = mu1[i], m2 = mu2[i];
                var s1 = aa[i] - m1 * m1;
                var s2 = bb[i] - m2 * m2;
                var s12 = ab[i] - m1 * m2;
                total += (2 * m1 * m2 + c1) * (2 * s12 + c2) / ((m1 * m1 + m2 * m2 + c1) * (s1 + s2 + c2));
            }
        }
        return total / (validWidth * validHeight);
    }

    private static (double[] A, double[] B, int Width, int Height) CroppedLuma(RgbImage expected, RgbImage actual, int border)
    {
        if (expected.Width != actual.Width || expected.Height != actual.Height)
        {
            throw new ArgumentException($"Images differ in size: {expected.Width}x{expected.Height} and {actual.Width}x{actual.Height}.");
        }
        var la = Luma(expected.Quantized());
        var lb = Luma(actual.Quantized());
        int width = expected.Width - 2 * border, height = expected.Height - 2 * border;
        var a = new double[width * height];
        var b = new double[width * height];
        for (var y = 0; y < height; y++)
        {
            for (var x = 0; x < width; x++)
            {
                a[y * width + x] = la[(y + border) * expected.Width + x + border];
                b[y * width + x] = lb[(y + border) * expected.Width + x + border];
            }
        }
        return (a, b, width, height);
    }

    private static double[] Gaussian(int size, double sigma)
    {
        var weights = new double[size];
        var centre = size / 2;
        for (var i = 0; i < size; i++)
        {
            weights[i] = Math.Exp(-(i - centre) * (i - centre) / (2 * sigma * sigma));
        }
        var total = weights.Sum();
        return weights.Select(w => w / total).ToArray();
    }

    /// <summary>'valid' separable filtering: the output is (width-10) x (height-10).</summary>
    private static double[] Filter(double[] source, int width, int height, double[] window)
    {
        var n = window.Length;
        int outWidth = width - n + 1, outHeight = height - n + 1;
        var rows = new double[height * outWidth];
        for (var y = 0; y < height; y++)
        {
            for (var x = 0; x < outWidth; x++)
            {
                double sum = 0;
                for (var k = 0; k < n; k++)
                {
                    sum += window[k] * source[y * width + x + k];
                }
                rows[y * outWidth + x] = sum;
            }
        }
        var result = new double[outHeight * outWidth];
        for (var y = 0; y < outHeight; y++)
        {
            for (var x = 0; x < outWidth; x++)
            {
                double sum = 0;
                for (var k = 0; k < n; k++)
                {
                    sum += window[k] * rows[(y + k) * outWidth + x];
                }
                result[y * outWidth + x] = sum;
            }
        }
        return result;
    }
}
