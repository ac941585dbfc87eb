namespace Portal.Models.Evaluation.Metrics;

/// <summary>What a metric sees of one evaluated image.</summary>
/// <param name="Result">The upscaled (or resampled) image.</param>
/// <param name="Reference">The original at the same size, or null for a no-reference measurement.</param>
/// <param name="Scale">The upscaling factor that produced <paramref name="Result"/> (1 for an image judged as it is).</param>
/// <param name="ImageName">The evaluation image's file name, e.g. "portrait.png": lets a metric skip images it does not apply to.</param>
public sealed record MetricSample(RgbImage Result, RgbImage? Reference, int Scale, string ImageName)
{
    /// <summary>Pixels to leave out at each edge, where methods treat edges differently: the scale, by convention.</summary>
    public int Border => Scale;

    /// <summary>The reference, or a clear error for a full-reference metric called without one.</summary>
    public RgbImage RequireReference(string metricId) =>
        Reference ?? throw new InvalidOperationException($"The metric '{metricId}' compares with the original, but none was given.");
}
