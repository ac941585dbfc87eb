using Portal.Models.Degradation;

namespace Portal.Models.Evaluation;

/// <summary>How the evaluation makes a model's input from an original.</summary>
public enum EvaluationTrack
{
    /// <summary>Antialiased bicubic downscale, saved as 8 bits: what the models were trained on.</summary>
    Clean,

    /// <summary>Real-world track, <see cref="DegradationStrength.Light"/>.</summary>
    Light,

    Medium,

    Heavy,
}

public static class EvaluationTracks
{
    public static DegradationStrength? Strength(this EvaluationTrack track) => track switch
    {
        EvaluationTrack.Light => DegradationStrength.Light,
        EvaluationTrack.Medium => DegradationStrength.Medium,
        EvaluationTrack.Heavy => DegradationStrength.Heavy,
        _ => null,
    };

    /// <summary>The model input for one original (already cropped to a multiple of the scale).</summary>
    public static RgbImage MakeInput(this EvaluationTrack track, EvaluationImage original, int scale) => track.Strength() is { } strength
        ? Degrader.Degrade(original.Image, DegradationPresets.For(strength, scale), scale, DegradationPresets.SeedFor(original.Name, strength, scale))
        : Resampler.Resize(original.Image, original.Image.Width / scale, original.Image.Height / scale, Resampler.Kernel.Bicubic).Quantized();

    /// <summary>
    /// The same input as <see cref="MakeInput"/>, with the bytes of its final JPEG save where the track ends
    /// with one: the file the evaluation uploads to the engine.
    /// </summary>
    public static DegradedFile MakeInputFile(this EvaluationTrack track, EvaluationImage original, int scale) => track.Strength() is { } strength
        ? Degrader.DegradeToFile(original.Image, DegradationPresets.For(strength, scale), scale, DegradationPresets.SeedFor(original.Name, strength, scale))
        : new DegradedFile(track.MakeInput(original, scale), null);

    /// <summary>One line saying how inputs are made, for the report.</summary>
    public static string Describe(this EvaluationTrack track, int scale) => track.Strength() is { } strength
        ? DegradationPresets.For(strength, scale).Describe()
        : "antialiased bicubic downscale, 8-bit";
}
