namespace Portal.Models.Evaluation.Metrics;

/// <summary>
/// One image-quality metric, in the manner of pyiqa: it says whether it needs the original and
/// which direction is better, and scores one result. One metric per file under this folder.
/// </summary>
/// <remarks>
/// A metric that holds native resources (an ONNX session, an OpenCV model) also implements
/// <see cref="IDisposable"/>; the evaluator disposes it. Metrics are called from one thread at a time.
/// </remarks>
public interface IQualityMetric
{
    /// <summary>Short stable id used in tables and JSON, e.g. "psnr-y", "brisque".</summary>
    string Id { get; }

    /// <summary>Column header for people, with the unit, e.g. "PSNR-Y dB".</summary>
    string Label { get; }

    /// <summary>Full-reference metrics compare with the original; no-reference ones judge the result alone.</summary>
    bool NeedsReference { get; }

    bool LowerIsBetter { get; }

    /// <summary>A caveat printed under the table (e.g. "uncalibrated"), or null.</summary>
    string? Note => null;

    /// <summary>
    /// Scores one result, or returns null where the metric does not apply (a face metric on an
    /// image without a face). <paramref name="sample"/>'s reference is set whenever
    /// <see cref="NeedsReference"/> is.
    /// </summary>
    double? Measure(MetricSample sample);
}
