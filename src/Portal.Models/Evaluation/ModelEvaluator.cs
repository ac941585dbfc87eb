using System.Diagnostics;

namespace Portal.Models.Evaluation;

/// <summary>
/// Measures models against the classic resamplers: each original is shrunk with antialiased
/// bicubic, saved as 8 bits, upscaled back, and compared on luma with the original.
/// </summary>
public sealed class ModelEvaluator(Action<string>? log = null)
{
    public const string Bicubic = "bicubic";
    public const string Lanczos3 = "lanczos3";

    /// <param name="images">The originals; each is centre-cropped to a multiple of the scale.</param>
    /// <param name="models">Model name and ONNX path for this scale.</param>
    public IReadOnlyList<EvaluationResult> Evaluate(
        IReadOnlyList<RgbImage> images, int scale, IReadOnlyList<(string Name, string Path)> models, CancellationToken cancellationToken)
    {
        var originals = images.Select(image => CropToMultiple(image, scale)).ToList();
        var inputs = originals
            .Select(original => Resampler.Resize(original, original.Width / scale, original.Height / scale, Resampler.Kernel.Bicubic).Quantized())
            .ToList();
        var inputMegapixels = inputs.Sum(i => i.Width * i.Height) / 1e6;
        var results = new List<EvaluationResult>
        {
            Measure(Bicubic, scale, originals, inputs.Select(i => Resampler.Resize(i, i.Width * scale, i.Height * scale, Resampler.Kernel.Bicubic)).ToList(), null),
            Measure(Lanczos3, scale, originals, inputs.Select(i => Resampler.Resize(i, i.Width * scale, i.Height * scale, Resampler.Kernel.Lanczos3)).ToList(), null),
        };
        foreach (var (name, path) in models)
        {
            cancellationToken.ThrowIfCancellationRequested();
            log?.Invoke($"x{scale}: running {name} on {inputs.Count} image(s)...");
            using var upscaler = new OnnxUpscaler(path);
            upscaler.Upscale(new RgbImage(8, 8, new float[3 * 64])); // warm-up: session set-up is not inference time
            var stopwatch = Stopwatch.StartNew();
            var outputs = inputs.Select(upscaler.Upscale).ToList();
            stopwatch.Stop();
            results.Add(Measure(name, scale, originals, outputs, stopwatch.Elapsed.TotalSeconds / inputMegapixels));
        }
        return results;
    }

    private static EvaluationResult Measure(string method, int scale, List<RgbImage> originals, List<RgbImage> outputs, double? secondsPerMegapixel)
    {
        var psnr = new List<double>();
        var ssim = new List<double>();
        for (var i = 0; i < originals.Count; i++)
        {
            psnr.Add(ImageQuality.Psnr(originals[i], outputs[i], scale));
            ssim.Add(ImageQuality.Ssim(originals[i], outputs[i], scale));
        }
        return new EvaluationResult(method, scale, psnr.Average(), ssim.Average(), secondsPerMegapixel, psnr);
    }

    /// <summary>Centre-crops so both sides divide by the scale.</summary>
    public static RgbImage CropToMultiple(RgbImage image, int scale)
    {
        int width = image.Width / scale * scale, height = image.Height / scale * scale;
        if (width == image.Width && height == image.Height)
        {
            return image;
        }
        int left = (image.Width - width) / 2, top = (image.Height - height) / 2;
        var planes = new float[3 * width * height];
        for (var c = 0; c < 3; c++)
        {
            for (var y = 0; y < height; y++)
            {
                Array.Copy(image.Planes, c * image.Width * image.Height + (y + top) * image.Width + left, planes, c * width * height + y * width, width);
            }
        }
        return new RgbImage(width, height, planes);
    }
}
