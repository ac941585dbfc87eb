using NetVips;
using Portal.Models.Evaluation;

namespace Portal.Models.Degradation;

/// <summary>
/// Applies a <see cref="DegradationPlan"/> to an original: the one implementation behind the
/// real-world evaluation track and the training data. Same original, plan, scale and seed give
/// the same bytes.
/// </summary>
public static class Degrader
{
    /// <summary>
    /// Training's entry point: draws a plan from <paramref name="settings"/> and applies it, both
    /// from one seed (the plan and the noise use separate streams).
    /// </summary>
    public static RgbImage Degrade(RgbImage original, DegradationSettings settings, int scale, ulong seed)
    {
        var plan = settings.Sample(scale, new SeededRandom(seed));
        return Degrade(original, plan, scale, seed ^ 0x5DEECE66DUL);
    }

    /// <summary>Degrades <paramref name="original"/> to exactly 1/<paramref name="scale"/> of its size, rounded to 8 bits.</summary>
    /// <exception cref="ArgumentException">The original's sides do not divide by the scale.</exception>
    public static RgbImage Degrade(RgbImage original, DegradationPlan plan, int scale, ulong seed) =>
        DegradeToFile(original, plan, scale, seed).Image;

    /// <summary>
    /// <see cref="Degrade(RgbImage, DegradationPlan, int, ulong)"/>, also keeping the final JPEG's bytes, so the
    /// evaluation can hand the engine the very file (quantization tables and all) that it measures.
    /// </summary>
    public static DegradedFile DegradeToFile(RgbImage original, DegradationPlan plan, int scale, ulong seed)
    {
        if (scale < 1 || original.Width % scale != 0 || original.Height % scale != 0)
        {
            throw new ArgumentException($"A {original.Width}x{original.Height} image cannot be shrunk by exactly {scale}; crop it to a multiple first.", nameof(scale));
        }
        var random = new SeededRandom(seed);
        int targetWidth = original.Width / scale, targetHeight = original.Height / scale;
        var image = ApplyStage(original, plan.First, original, random);
        if (plan.Second is not null)
        {
            image = ApplyStage(image, plan.Second, original, random);
        }
        var final = plan.Final;
        if (final.JpegFirst && final.JpegQuality is { } before)
        {
            image = Jpeg(image, before);
        }
        image = ImageResizer.Resize(image, targetWidth, targetHeight, final.Mode);
        if (final.Sinc is not null)
        {
            image = Filter(image, final.Sinc);
        }
        byte[]? file = null;
        if (!final.JpegFirst && final.JpegQuality is { } after)
        {
            (image, file) = JpegWithFile(image, after);
        }
        return new DegradedFile(image.Quantized(), file);
    }

    private static RgbImage ApplyStage(RgbImage image, DegradationStage stage, RgbImage original, SeededRandom random)
    {
        if (stage.Blur is not null)
        {
            image = Filter(image, stage.Blur);
        }
        if (stage.Resize is { } resize)
        {
            var width = Math.Max(1, (int)(original.Width * resize.Factor));
            var height = Math.Max(1, (int)(original.Height * resize.Factor));
            image = ImageResizer.Resize(image, width, height, resize.Mode);
        }
        if (stage.Noise is { } noise)
        {
            image = noise.Kind == NoiseKind.Gaussian ? AddGaussianNoise(image, noise, random) : AddPoissonNoise(image, noise, random);
        }
        if (stage.JpegQuality is { } quality)
        {
            image = Jpeg(image, quality);
        }
        return image;
    }

    /// <summary>2-D convolution with mirrored edges (PyTorch's 'reflect' padding, as BasicSR's filter2D).</summary>
    public static RgbImage Filter(RgbImage image, BlurKernel kernel)
    {
        var weights = kernel.Weights();
        var size = kernel.Size;
        var half = size / 2;
        int width = image.Width, height = image.Height, area = width * height;
        var xIndex = new int[width + 2 * half];
        var yIndex = new int[height + 2 * half];
        for (var i = 0; i < xIndex.Length; i++)
        {
            xIndex[i] = Reflect(i - half, width);
        }
        for (var i = 0; i < yIndex.Length; i++)
        {
            yIndex[i] = Reflect(i - half, height);
        }
        var output = new float[image.Planes.Length];
        for (var c = 0; c < 3; c++)
        {
            var plane = image.Planes.AsSpan(c * area, area);
            for (var y = 0; y < height; y++)
            {
                for (var x = 0; x < width; x++)
                {
                    double sum = 0;
                    for (var ky = 0; ky < size; ky++)
                    {
                        var row = yIndex[y + ky] * width;
                        var kernelRow = ky * size;
                        for (var kx = 0; kx < size; kx++)
                        {
                            sum += weights[kernelRow + kx] * plane[row + xIndex[x + kx]];
                        }
                    }
                    output[c * area + y * width + x] = (float)sum;
                }
            }
        }
        return new RgbImage(width, height, output);
    }

    private static RgbImage AddGaussianNoise(RgbImage image, NoiseStep noise, SeededRandom random)
    {
        var area = image.Width * image.Height;
        var sigma = noise.Amount / 255.0;
        var output = new float[image.Planes.Length];
        if (noise.Grey)
        {
            for (var i = 0; i < area; i++)
            {
                var n = random.NextNormal() * sigma;
                for (var c = 0; c < 3; c++)
                {
                    output[c * area + i] = Clip(image.Planes[c * area + i] + n);
                }
            }
        }
        else
        {
            for (var i = 0; i < output.Length; i++)
            {
                output[i] = Clip(image.Planes[i] + random.NextNormal() * sigma);
            }
        }
        return new RgbImage(image.Width, image.Height, output);
    }

    /// <summary>
    /// Shot noise as BasicSR models it: the image rounded to 8 bits, its distinct levels counted and
    /// rounded up to a power of two as the photon scale, a Poisson draw per value, the difference
    /// scaled by the step's amount. Grey noise is drawn on BT.601 luma and added to every channel.
    /// </summary>
    private static RgbImage AddPoissonNoise(RgbImage image, NoiseStep noise, SeededRandom random)
    {
        var area = image.Width * image.Height;
        var output = new float[image.Planes.Length];
        if (noise.Grey)
        {
            var grey = new double[area];
            for (var i = 0; i < area; i++)
            {
                var luma = 0.299 * image.Planes[i] + 0.587 * image.Planes[area + i] + 0.114 * image.Planes[2 * area + i];
                grey[i] = Math.Round(Math.Clamp(luma, 0, 1) * 255) / 255;
            }
            var photons = PhotonScale(grey);
            for (var i = 0; i < area; i++)
            {
                var n = (random.NextPoisson(grey[i] * photons) / photons - grey[i]) * noise.Amount;
                for (var c = 0; c < 3; c++)
                {
                    output[c * area + i] = Clip(image.Planes[c * area + i] + n);
                }
            }
        }
        else
        {
            var rounded = new double[image.Planes.Length];
            for (var i = 0; i < rounded.Length; i++)
            {
                rounded[i] = Math.Round(Math.Clamp(image.Planes[i], 0f, 1f) * 255) / 255;
            }
            var photons = PhotonScale(rounded);
            for (var i = 0; i < rounded.Length; i++)
            {
                output[i] = Clip(image.Planes[i] + (random.NextPoisson(rounded[i] * photons) / photons - rounded[i]) * noise.Amount);
            }
        }
        return new RgbImage(image.Width, image.Height, output);
    }

    private static double PhotonScale(double[] values)
    {
        var distinct = values.Distinct().Count();
        return Math.Pow(2, Math.Ceiling(Math.Log2(Math.Max(distinct, 1))));
    }

    /// <summary>A save and reload through libvips' JPEG encoder (libjpeg-turbo, chroma subsampled below quality 90).</summary>
    public static RgbImage Jpeg(RgbImage image, int quality) => JpegWithFile(image, quality).Image;

    private static (RgbImage Image, byte[] File) JpegWithFile(RgbImage image, int quality)
    {
        if (quality is < 1 or > 100)
        {
            throw new ArgumentOutOfRangeException(nameof(quality), $"JPEG quality must be 1..100; got {quality}.");
        }
        using var vips = image.ToVips();
        var buffer = vips.JpegsaveBuffer(q: quality, keep: Enums.ForeignKeep.None);
        using var decoded = Image.NewFromBuffer(buffer);
        return (RgbImage.FromVips(decoded), buffer);
    }

    private static float Clip(double value) => (float)Math.Clamp(value, 0, 1);

    private static int Reflect(int index, int size)
    {
        if (size == 1)
        {
            return 0;
        }
        var period = 2 * (size - 1);
        index = ((index % period) + period) % period;
        return index < size ? index : period - index;
    }
}
