namespace Portal.Models.Evaluation;

/// <summary>One method on one track at one scale: every metric's mean and per-image values.</summary>
/// <param name="Method">A model id, "bicubic", "lanczos3", or <see cref="TrackEvaluator.Original"/> (the originals themselves, for the no-reference metrics).</param>
/// <param name="Means">Metric id to mean over the images where it applied; absent where it applied to none.</param>
/// <param name="PerImage">Metric id to one value per image (null where it did not apply), in image order.</param>
/// <param name="SecondsPerInputMegapixel">CPU time per input megapixel; null for the resamplers.</param>
public sealed record MethodScores(
    string Method,
    int Scale,
    EvaluationTrack Track,
    IReadOnlyDictionary<string, double> Means,
    IReadOnlyDictionary<string, IReadOnlyList<double?>> PerImage,
    double? SecondsPerInputMegapixel);
