using Portal.Models.Numerics;

namespace Portal.Models.Evaluation.Metrics;

/// <summary>
/// The natural-scene statistics NIQE is built on (from the 2013 NIQE paper):
/// mean-subtracted contrast-normalised (MSCN) luma and generalised Gaussian fits to it and to the
/// products of neighbouring MSCN values. 18 features per scale, two scales.
/// </summary>
internal static class NaturalSceneStatistics
{
    public const int FeatureCount = 36;

    private static readonly double[] Shapes = Enumerable.Range(0, 9801).Select(i => 0.2 + i * 0.001).ToArray();

    private static readonly double[] ShapeRatios = Shapes
        .Select(g => SpecialFunctions.Gamma(2 / g) * SpecialFunctions.Gamma(2 / g) / (SpecialFunctions.Gamma(1 / g) * SpecialFunctions.Gamma(3 / g)))
        .ToArray();

    /// <summary>0..255 grey (BT.601 weights on RGB, as MATLAB's rgb2gray).</summary>
    public static double[] Grey(RgbImage image)
    {
        var area = image.Width * image.Height;
        var q = image.Quantized();
        var grey = new double[area];
        for (var i = 0; i < area; i++)
        {
            grey[i] = 255 * (0.2989 * q.Planes[i] + 0.5870 * q.Planes[area + i] + 0.1140 * q.Planes[2 * area + i]);
        }
        return grey;
    }

    /// <summary>
    /// Features of every patch of <paramref name="patchSize"/> (the image is cropped to a multiple
    /// of it), and each patch's sharpness (mean local deviation at the first scale).
    /// </summary>
    public static List<(double[] Features, double Sharpness)> PatchFeatures(RgbImage image, int patchSize)
    {
        int columns = image.Width / patchSize, rows = image.Height / patchSize;
        if (columns == 0 || rows == 0)
        {
            throw new ArgumentException($"A {image.Width}x{image.Height} image holds no {patchSize} px patch.");
        }
        int width = columns * patchSize, height = rows * patchSize;
        var grey = Crop(Grey(image), image.Width, width, height);
        var half = Resampler.Resize(new RgbImage(width, height, [.. grey.Select(v => (float)v), .. grey.Select(v => (float)v), .. grey.Select(v => (float)v)]),
            width / 2, height / 2, Resampler.Kernel.Bicubic).Planes[..(width / 2 * height / 2)].Select(v => (double)v).ToArray();
        var (mscn1, sigma1) = Mscn(grey, width, height);
        var (mscn2, _) = Mscn(half, width / 2, height / 2);
        var patches = new List<(double[], double)>();
        for (var row = 0; row < rows; row++)
        {
            for (var column = 0; column < columns; column++)
            {
                var features = new double[FeatureCount];
                BlockFeatures(mscn1, width, column * patchSize, row * patchSize, patchSize).CopyTo(features, 0);
                BlockFeatures(mscn2, width / 2, column * patchSize / 2, row * patchSize / 2, patchSize / 2).CopyTo(features, 18);
                double sharpness = 0;
                for (var y = 0; y < patchSize; y++)
                {
                    for (var x = 0; x < patchSize; x++)
                    {
                        sharpness += sigma1[(row * patchSize + y) * width + column * patchSize + x];
                    }
                }
                patches.Add((features, sharpness / (patchSize * patchSize)));
            }
        }
        return patches;
    }

    private static double[] Crop(double[] source, int sourceWidth, int width, int height)
    {
        var result = new double[width * height];
        for (var y = 0; y < height; y++)
        {
            Array.Copy(source, y * sourceWidth, result, y * width, width);
        }
        return result;
    }

    /// <summary>MSCN with a 7x7 Gaussian (σ = 7/6) and replicated edges, as the reference code.</summary>
    private static (double[] Mscn, double[] Sigma) Mscn(double[] image, int width, int height)
    {
        var window = new double[7];
        for (var i = 0; i < 7; i++)
        {
            window[i] = Math.Exp(-(i - 3) * (i - 3) / (2 * (7.0 / 6) * (7.0 / 6)));
        }
        var total = window.Sum();
        for (var i = 0; i < 7; i++)
        {
            window[i] /= total;
        }
        var mu = Blur(image, width, height, window);
        var squareMean = Blur(image.Select(v => v * v).ToArray(), width, height, window);
        var mscn = new double[image.Length];
        var sigma = new double[image.Length];
        for (var i = 0; i < image.Length; i++)
        {
            sigma[i] = Math.Sqrt(Math.Abs(squareMean[i] - mu[i] * mu[i]));
            mscn[i] = (image[i] - mu[i]) / (sigma[i] + 1);
        }
        return (mscn, sigma);
    }

    private static double[] Blur(double[] image, int width, int height, double[] window)
    {
        var rows = new double[image.Length];
        var result = new double[image.Length];
        for (var y = 0; y < height; y++)
        {
            for (var x = 0; x < width; x++)
            {
                double sum = 0;
                for (var k = -3; k <= 3; k++)
                {
                    sum += window[k + 3] * image[y * width + Math.Clamp(x + k, 0, width - 1)];
                }
                rows[y * width + x] = sum;
            }
        }
        for (var y = 0; y < height; y++)
        {
            for (var x = 0; x < width; x++)
            {
                double sum = 0;
                for (var k = -3; k <= 3; k++)
                {
                    sum += window[k + 3] * rows[Math.Clamp(y + k, 0, height - 1) * width + x];
                }
                result[y * width + x] = sum;
            }
        }
        return result;
    }

    /// <summary>GGD fit of the block's MSCN (2) and AGGD fits of its four neighbour products (4 x 4).</summary>
    private static double[] BlockFeatures(double[] mscn, int width, int left, int top, int size)
    {
        var block = new double[size * size];
        for (var y = 0; y < size; y++)
        {
            Array.Copy(mscn, (top + y) * width + left, block, y * size, size);
        }
        var features = new List<double>(18);
        var (alpha, leftStd, rightStd) = FitAggd(block);
        features.Add(alpha);
        features.Add((leftStd * leftStd + rightStd * rightStd) / 2);
        // Circular shifts within the block, as the reference code's circshift.
        foreach (var (dy, dx) in new[] { (0, 1), (1, 0), (1, 1), (1, -1) })
        {
            var products = new double[block.Length];
            for (var y = 0; y < size; y++)
            {
                for (var x = 0; x < size; x++)
                {
                    var sy = ((y - dy) % size + size) % size;
                    var sx = ((x - dx) % size + size) % size;
                    products[y * size + x] = block[y * size + x] * block[sy * size + sx];
                }
            }
            var (a, l, r) = FitAggd(products);
            var mean = (r - l) * (SpecialFunctions.Gamma(2 / a) / SpecialFunctions.Gamma(1 / a)) * Math.Sqrt(SpecialFunctions.Gamma(1 / a) / SpecialFunctions.Gamma(3 / a));
            features.AddRange([a, mean, l * l, r * r]);
        }
        return [.. features];
    }

    /// <summary>Asymmetric generalised Gaussian by moment matching over a shape grid 0.2..10 in steps of 0.001.</summary>
    private static (double Alpha, double LeftStd, double RightStd) FitAggd(double[] values)
    {
        double leftSum = 0, rightSum = 0, absSum = 0, squareSum = 0;
        int leftCount = 0, rightCount = 0;
        foreach (var v in values)
        {
            if (v < 0)
            {
                leftSum += v * v;
                leftCount++;
            }
            else if (v > 0)
            {
                rightSum += v * v;
                rightCount++;
            }
            absSum += Math.Abs(v);
            squareSum += v * v;
        }
        var leftStd = leftCount == 0 ? 0 : Math.Sqrt(leftSum / leftCount);
        var rightStd = rightCount == 0 ? 0 : Math.Sqrt(rightSum / rightCount);
        if (leftStd == 0 || rightStd == 0 || squareSum == 0)
        {
            return (Shapes[^1], leftStd, rightStd); // a flat block: no spread to fit
        }
        var gammaHat = leftStd / rightStd;
        var meanAbs = absSum / values.Length;
        var rHat = meanAbs * meanAbs / (squareSum / values.Length);
        var rHatNorm = rHat * (gammaHat * gammaHat * gammaHat + 1) * (gammaHat + 1) / Math.Pow(gammaHat * gammaHat + 1, 2);
        var best = 0;
        for (var i = 1; i < ShapeRatios.Length; i++)
        {
            if (Math.Abs(ShapeRatios[i] - rHatNorm) < Math.Abs(ShapeRatios[best] - rHatNorm))
            {
                best = i;
            }
        }
        return (Shapes[best], leftStd, rightStd);
    }
}
