namespace Portal.Models.Degradation;

/// <summary>
/// A fully specified degradation: every parameter fixed, only the noise values left to the seed.
/// The evaluation's strengths are fixed plans; training samples one per image from <see cref="DegradationSettings"/>.
/// </summary>
/// <param name="Second">The second order, or null for a first-order degradation.</param>
public sealed record DegradationPlan(DegradationStage First, DegradationStage? Second, FinalStep Final)
{
    /// <summary>One line a person can read, for logs and the report.</summary>
    public string Describe()
    {
        var parts = new List<string> { DescribeStage(First) };
        if (Second is not null)
        {
            parts.Add(DescribeStage(Second));
        }
        var final = new List<string> { $"resize {Final.Mode.ToString().ToLowerInvariant()} to 1/scale" };
        if (Final.Sinc is { } sinc)
        {
            final.Add(FormattableString.Invariant($"sinc ω_c={sinc.Cutoff:0.###} k{sinc.Size}"));
        }
        if (Final.JpegQuality is { } q)
        {
            if (Final.JpegFirst)
            {
                final.Insert(0, $"JPEG q{q}");
            }
            else
            {
                final.Add($"JPEG q{q}");
            }
        }
        parts.Add(string.Join(", ", final));
        return string.Join(" | ", parts);
    }

    private static string DescribeStage(DegradationStage stage)
    {
        var steps = new List<string>();
        if (stage.Blur is { } blur)
        {
            steps.Add(blur.Kind switch
            {
                BlurKernelKind.Isotropic => FormattableString.Invariant($"Gaussian blur σ={blur.SigmaX:0.##}"),
                BlurKernelKind.Anisotropic => FormattableString.Invariant($"anisotropic Gaussian σ={blur.SigmaX:0.##}/{blur.SigmaY:0.##} θ={blur.Rotation * 180 / Math.PI:0}°"),
                BlurKernelKind.Sinc => FormattableString.Invariant($"sinc ω_c={blur.Cutoff:0.###}"),
                _ => FormattableString.Invariant($"{blur.Kind} σ={blur.SigmaX:0.##}/{blur.SigmaY:0.##} θ={blur.Rotation * 180 / Math.PI:0}° β={blur.Beta:0.##}"),
            } + $" k{blur.Size}");
        }
        if (stage.Resize is { } resize)
        {
            steps.Add(FormattableString.Invariant($"resize {resize.Mode.ToString().ToLowerInvariant()} to {resize.Factor:0.###}x"));
        }
        if (stage.Noise is { } noise)
        {
            steps.Add(noise.Kind == NoiseKind.Gaussian
                ? FormattableString.Invariant($"Gaussian noise σ={noise.Amount:0.##} {(noise.Grey ? "grey" : "colour")}")
                : FormattableString.Invariant($"Poisson noise x{noise.Amount:0.##} {(noise.Grey ? "grey" : "colour")}"));
        }
        if (stage.JpegQuality is { } q)
        {
            steps.Add($"JPEG q{q}");
        }
        return string.Join(", ", steps);
    }
}
