namespace Portal.Models.Evaluation.Metrics;

/// <summary>SSIM on luma (11x11 Gaussian window, σ 1.5): local structure, contrast and brightness agreement.</summary>
public sealed class SsimY : IQualityMetric
{
    public string Id => "ssim-y";

    public string Label => "SSIM-Y";

    public bool NeedsReference => true;

    public bool LowerIsBetter => false;

    public double? Measure(MetricSample sample) => ImageQuality.Ssim(sample.RequireReference(Id), sample.Result, sample.Border);
}
