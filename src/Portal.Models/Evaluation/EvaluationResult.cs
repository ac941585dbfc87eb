namespace Portal.Models.Evaluation;

/// <summary>One method (a model or a classic resampler) at one scale, averaged over the test images.</summary>
/// <param name="Method">A model id, or "bicubic" / "lanczos3".</param>
/// <param name="SecondsPerInputMegapixel">CPU time per megapixel of input; null for the resamplers.</param>
public sealed record EvaluationResult(
    string Method, int Scale, double Psnr, double Ssim, double? SecondsPerInputMegapixel, IReadOnlyList<double> PsnrPerImage);
