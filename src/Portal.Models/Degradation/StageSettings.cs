namespace Portal.Models.Degradation;

/// <summary>
/// The random ranges of one degradation order. Defaults are Real-ESRGAN's first order
/// (options/train_realesrgan_x4plus.yml); <see cref="SecondOrder"/> holds its second.
/// </summary>
public sealed record StageSettings
{
    /// <summary>Chance that the stage blurs at all (Real-ESRGAN: 1 in the first order, 0.8 in the second).</summary>
    public double BlurProbability { get; init; } = 1.0;

    public KernelProbabilities Kernels { get; init; } = new();

    /// <summary>Chance that the blur is a sinc (ringing) instead of one of the kernel families.</summary>
    public double SincProbability { get; init; } = 0.1;

    /// <summary>Odd kernel sizes are drawn uniformly from this range (7..21).</summary>
    public ValueRange KernelSize { get; init; } = new(7, 21);

    public ValueRange BlurSigma { get; init; } = new(0.2, 3);

    /// <summary>β of the generalised Gaussian: half the draws below 1, half above.</summary>
    public ValueRange GeneralizedBeta { get; init; } = new(0.5, 4);

    public ValueRange PlateauBeta { get; init; } = new(1, 2);

    public ResizeProbabilities Resize { get; init; } = new();

    /// <summary>Size factor drawn below 1 for a shrink and above 1 for an enlargement; relative to the original in the
    /// first order and to the final size in the second, as in Real-ESRGAN.</summary>
    public ValueRange ResizeRange { get; init; } = new(0.15, 1.5);

    /// <summary>Chance of Gaussian noise; otherwise the stage adds Poisson noise.</summary>
    public double GaussianNoiseProbability { get; init; } = 0.5;

    /// <summary>Gaussian sigma on the 0..255 scale.</summary>
    public ValueRange NoiseSigma { get; init; } = new(1, 30);

    public ValueRange PoissonScale { get; init; } = new(0.05, 3);

    public double GreyNoiseProbability { get; init; } = 0.4;

    public ValueRange JpegQuality { get; init; } = new(30, 95);

    /// <summary>Real-ESRGAN's second order: lighter blur and noise, a narrower resize, blur skipped one time in five.</summary>
    public static StageSettings SecondOrder { get; } = new()
    {
        BlurProbability = 0.8,
        BlurSigma = new(0.2, 1.5),
        Resize = new(0.3, 0.4, 0.3),
        ResizeRange = new(0.3, 1.2),
        NoiseSigma = new(1, 25),
        PoissonScale = new(0.05, 2.5),
    };

    internal IEnumerable<string> Problems(string name)
    {
        foreach (var (label, probability) in new[]
                 {
                     ("blurProbability", BlurProbability), ("sincProbability", SincProbability),
                     ("gaussianNoiseProbability", GaussianNoiseProbability), ("greyNoiseProbability", GreyNoiseProbability),
                 })
        {
            if (probability is < 0 or > 1 || double.IsNaN(probability))
            {
                yield return $"{name}.{label} must be between 0 and 1; it is {probability}.";
            }
        }
        foreach (var (label, range, min, max) in new[]
                 {
                     ("kernelSize", KernelSize, 1.0, 41.0), ("blurSigma", BlurSigma, 0.01, 20.0),
                     ("generalizedBeta", GeneralizedBeta, 0.05, 1e3), ("plateauBeta", PlateauBeta, 0.05, 1e3),
                     ("resizeRange", ResizeRange, 0.01, 8.0), ("noiseSigma", NoiseSigma, 0.0, 255.0),
                     ("poissonScale", PoissonScale, 0.0, 100.0), ("jpegQuality", JpegQuality, 1.0, 100.0),
                 })
        {
            if (!range.IsValid || range.Min < min || range.Max > max)
            {
                yield return $"{name}.{label} must be [min, max] within [{min}, {max}]; it is {range}.";
            }
        }
        if (Kernels.AsArray().Any(w => w < 0) || Kernels.AsArray().Sum() <= 0)
        {
            yield return $"{name}.kernels must be non-negative weights with a positive sum.";
        }
        if (Resize.Up < 0 || Resize.Down < 0 || Resize.Keep < 0 || Resize.Up + Resize.Down + Resize.Keep <= 0)
        {
            yield return $"{name}.resize must be non-negative weights with a positive sum.";
        }
        if (ResizeRange.Min > 1 || ResizeRange.Max < 1)
        {
            yield return $"{name}.resizeRange must include 1 (shrinks draw below it, enlargements above); it is {ResizeRange}.";
        }
    }
}
