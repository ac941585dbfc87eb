namespace Portal.Models.Evaluation.Metrics;

/// <summary>PSNR on BT.601 luma with a border left out: the fidelity number super-resolution papers report.</summary>
public sealed class PsnrY : IQualityMetric
{
    public string Id => "psnr-y";

    public string Label => "PSNR-Y dB";

    public bool NeedsReference => true;

    public bool LowerIsBetter => false;

    public double? Measure(MetricSample sample) => ImageQuality.Psnr(sample.RequireReference(Id), sample.Result, sample.Border);
}
