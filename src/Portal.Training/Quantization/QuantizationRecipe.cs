using Portal.Models.Quantization;

namespace Portal.Training.Quantization;

/// <summary>
/// Recipe key <c>quantization</c>: fine-tune a copy of the <c>initFrom</c> model whose forward pass rounds like
/// <c>models quantize</c>'s int8 graph (<see cref="FakeQuantization"/>), with the loss the distance to the
/// unchanged float model's output on the same inputs (distillation; the data's high-resolution crops are unused).
/// </summary>
public sealed record QuantizationRecipe
{
    /// <summary>7 or 8, as <c>models quantize --weight-bits</c>; quantize the tuned weights with the same value.</summary>
    public int WeightBits { get; init; } = 8;

    /// <summary>
    /// The ranges start from the quantizer's calibration of the float model with this percentile (1 = min/max, as
    /// <c>models quantize --percentile</c>) and are then kept (re-calibrating the drifting float weights undid the
    /// tuning: 32.5 dB fell to 31.3 dB in 150 steps) or learned.
    /// </summary>
    public double Percentile { get; init; } = 1.0;

    /// <summary>Learn the ranges with the weights (LSQ-style; the gradient trades clipping against rounding).</summary>
    public bool LearnRanges { get; init; } = true;

    /// <summary>Adam's step on the ranges' log factors.</summary>
    public double RangeLearningRate { get; init; } = 1e-3;

    /// <summary>Measure the simulated int8 model against the float one on the calibration tiles every this many steps.</summary>
    public int MeasureEvery { get; init; } = 50;

    /// <summary>
    /// Start from the float model with its channels balanced as <c>models quantize --equalize</c> does (the same function,
    /// so the teacher is unchanged; the ranges start where post-training quantization measures best).
    /// </summary>
    public Equalization Equalize { get; init; } = Equalization.None;

    /// <summary>The calibration images, relative to the repository root (the quantizer's default folder).</summary>
    public string Calibration { get; init; } = "models/calibration";

    public IEnumerable<string> Problems(string? initFrom, ArchitectureKind architecture)
    {
        if (WeightBits is not (7 or 8)) yield return $"quantization.weightBits must be 7 or 8; it is {WeightBits}.";
        if (MeasureEvery < 1) yield return $"quantization.measureEvery must be at least 1; it is {MeasureEvery}.";
        if (Percentile is <= 0.9 or > 1) yield return $"quantization.percentile must be in (0.9, 1]; it is {Percentile}.";
        if (RangeLearningRate is <= 0 or > 1) yield return $"quantization.rangeLearningRate must be in (0, 1]; it is {RangeLearningRate}.";
        if (initFrom is null) yield return "quantization needs initFrom (the float model to distil from).";
        if (architecture != ArchitectureKind.SrvggCompact) yield return "quantization works only for srvgg-compact.";
    }
}
