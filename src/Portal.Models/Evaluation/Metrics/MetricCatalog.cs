namespace Portal.Models.Evaluation.Metrics;

/// <summary>The metrics <c>portal models evaluate</c> reports, in column order.</summary>
public static class MetricCatalog
{
    /// <summary>The classical metrics: fidelity, structure, naturalness, compression grid.</summary>
    public static List<IQualityMetric> Classical() =>
    [
        new PsnrY(),
        new SsimY(),
        new JpegBlockiness(),
    ];
}
