using System.Text.Json;
using System.Text.Json.Serialization;

namespace Portal.Models.Degradation;

/// <summary>
/// The randomised second-order recipe for training data: Real-ESRGAN's ranges by default, every
/// one overridable from a JSON recipe. <see cref="Sample"/> draws one <see cref="DegradationPlan"/>.
/// </summary>
public sealed record DegradationSettings
{
    public StageSettings First { get; init; } = new();

    public StageSettings Second { get; init; } = StageSettings.SecondOrder;

    /// <summary>Chance of the second order at all (Real-ESRGAN: always).</summary>
    public double SecondOrderProbability { get; init; } = 1.0;

    /// <summary>Chance that the final step low-passes with a sinc.</summary>
    public double FinalSincProbability { get; init; } = 0.8;

    /// <summary>JPEG quality of the final save.</summary>
    public ValueRange FinalJpegQuality { get; init; } = new(30, 95);

    /// <summary>camelCase names, unknown keys refused: a misspelt option must not silently fall back to a default.</summary>
    public static JsonSerializerOptions JsonOptions { get; } = new(JsonSerializerDefaults.Web)
    {
        UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,
        WriteIndented = true,
    };

    /// <summary>Sentences naming each out-of-range value; empty when the settings are usable.</summary>
    public IReadOnlyList<string> Problems()
    {
        var problems = First.Problems("first").Concat(Second.Problems("second")).ToList();
        if (SecondOrderProbability is < 0 or > 1 || double.IsNaN(SecondOrderProbability))
        {
            problems.Add($"secondOrderProbability must be between 0 and 1; it is {SecondOrderProbability}.");
        }
        if (FinalSincProbability is < 0 or > 1 || double.IsNaN(FinalSincProbability))
        {
            problems.Add($"finalSincProbability must be between 0 and 1; it is {FinalSincProbability}.");
        }
        if (!FinalJpegQuality.IsValid || FinalJpegQuality.Min < 1 || FinalJpegQuality.Max > 100)
        {
            problems.Add($"finalJpegQuality must be [min, max] within [1, 100]; it is {FinalJpegQuality}.");
        }
        return problems;
    }

    /// <summary>Draws one plan for an image to be shrunk by <paramref name="scale"/>.</summary>
    public DegradationPlan Sample(int scale, SeededRandom random)
    {
        var first = SampleStage(First, random, sizeRelativeToOriginal: 1.0);
        var second = random.NextDouble() < SecondOrderProbability
            ? SampleStage(Second, random, sizeRelativeToOriginal: 1.0 / scale)
            : null;
        var mode = (ResizeMode)random.NextInt(0, 2);
        BlurKernel? sinc = null;
        if (random.NextDouble() < FinalSincProbability)
        {
            var size = OddSize(First.KernelSize, random);
            sinc = BlurKernel.SincLowPass(random.Uniform(Math.PI / 3, Math.PI), size);
        }
        var quality = (int)Math.Round(random.Uniform(FinalJpegQuality));
        var jpegFirst = random.NextDouble() < 0.5;
        return new DegradationPlan(first, second, new FinalStep(mode, sinc, quality, jpegFirst));
    }

    /// <param name="sizeRelativeToOriginal">What a resize factor of 1 means: the original in the first order, the final size in the second.</param>
    private static DegradationStage SampleStage(StageSettings settings, SeededRandom random, double sizeRelativeToOriginal)
    {
        BlurKernel? blur = null;
        if (random.NextDouble() < settings.BlurProbability)
        {
            var size = OddSize(settings.KernelSize, random);
            if (random.NextDouble() < settings.SincProbability)
            {
                // Small kernels cannot hold a low cut-off's wide lobes, so they draw from a narrower band (as Real-ESRGAN).
                var cutoff = size < 13 ? random.Uniform(Math.PI / 3, Math.PI) : random.Uniform(Math.PI / 5, Math.PI);
                blur = BlurKernel.SincLowPass(cutoff, size);
            }
            else
            {
                var kind = (BlurKernelKind)random.Choose(settings.Kernels.AsArray());
                var isotropic = kind is BlurKernelKind.Isotropic or BlurKernelKind.GeneralizedIsotropic or BlurKernelKind.PlateauIsotropic;
                var sigmaX = random.Uniform(settings.BlurSigma);
                var sigmaY = isotropic ? sigmaX : random.Uniform(settings.BlurSigma);
                var rotation = isotropic ? 0 : random.Uniform(-Math.PI, Math.PI);
                var beta = kind switch
                {
                    BlurKernelKind.GeneralizedIsotropic or BlurKernelKind.GeneralizedAnisotropic => random.NextDouble() < 0.5
                        ? random.Uniform(settings.GeneralizedBeta.Min, 1)
                        : random.Uniform(1, settings.GeneralizedBeta.Max),
                    BlurKernelKind.PlateauIsotropic or BlurKernelKind.PlateauAnisotropic => random.NextDouble() < 0.5
                        ? random.Uniform(settings.PlateauBeta.Min, 1)
                        : random.Uniform(1, settings.PlateauBeta.Max),
                    _ => 1.0,
                };
                blur = new BlurKernel(kind, size, sigmaX, sigmaY, rotation, beta);
            }
        }
        var direction = random.Choose([settings.Resize.Up, settings.Resize.Down, settings.Resize.Keep]);
        var factor = direction switch
        {
            0 => random.Uniform(1, settings.ResizeRange.Max),
            1 => random.Uniform(settings.ResizeRange.Min, 1),
            _ => 1.0,
        };
        var resize = new ResizeStep(factor * sizeRelativeToOriginal, (ResizeMode)random.NextInt(0, 2));
        var noise = random.NextDouble() < settings.GaussianNoiseProbability
            ? new NoiseStep(NoiseKind.Gaussian, random.Uniform(settings.NoiseSigma), random.NextDouble() < settings.GreyNoiseProbability)
            : new NoiseStep(NoiseKind.Poisson, random.Uniform(settings.PoissonScale), random.NextDouble() < settings.GreyNoiseProbability);
        var quality = (int)Math.Round(random.Uniform(settings.JpegQuality));
        return new DegradationStage(blur, resize, noise, quality);
    }

    private static int OddSize(ValueRange range, SeededRandom random)
    {
        var smallest = (int)Math.Ceiling((range.Min - 1) / 2);
        var largest = (int)Math.Floor((range.Max - 1) / 2);
        return 2 * random.NextInt(Math.Max(smallest, 0), Math.Max(largest, smallest)) + 1;
    }
}
