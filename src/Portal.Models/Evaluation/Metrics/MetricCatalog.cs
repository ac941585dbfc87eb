namespace Portal.Models.Evaluation.Metrics;

/// <summary>The metrics <c>portal models evaluate</c> reports, in column order.</summary>
public static class MetricCatalog
{
    /// <summary>
    /// The classical metrics that need nothing installed: fidelity, structure, compression grid. The CLI adds
    /// BRISQUE (OpenCV's native runtime and Debian's opencv-data) and NIQE (our fitted model).
    /// </summary>
    public static List<IQualityMetric> Classical() =>
    [
        new PsnrY(),
        new SsimY(),
        new Gmsd(),
        new JpegBlockiness(),
    ];
}
