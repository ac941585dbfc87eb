using Portal.Models.Numerics;

namespace Portal.Models.Evaluation.Metrics;

/// <summary>
/// NIQE (no-reference naturalness; lower is better): the distance between the statistics of an
/// image's patches and those of pristine photos (<see cref="NiqeModel"/>), as in the 2013 NIQE paper.
/// Ours is fitted on our own clean photos, so its numbers are not those of the published model.
/// </summary>
public sealed class Niqe(NiqeModel model) : IQualityMetric
{
    public string Id => "niqe";

    public string Label => "NIQE";

    public bool NeedsReference => false;

    public bool LowerIsBetter => true;

    public string? Note => $"fitted on our own clean photos ({model.Patches} patches of {model.PatchSize} px): compare within this report only";

    public double? Measure(MetricSample sample) => Score(sample.Result);

    public double Score(RgbImage image)
    {
        var features = NaturalSceneStatistics.PatchFeatures(image, model.PatchSize).Select(p => p.Features).ToList();
        var n = NaturalSceneStatistics.FeatureCount;
        var (mean, covariance) = NiqeModel.MeanAndCovariance(features);
        var pooled = new double[n, n];
        for (var i = 0; i < n; i++)
        {
            for (var j = 0; j < n; j++)
            {
                pooled[i, j] = (model.Covariance[i * n + j] + (features.Count > 1 ? covariance[i, j] : 0)) / 2;
            }
        }
        var inverse = SpecialFunctions.SymmetricPseudoInverse(pooled);
        double distance = 0;
        for (var i = 0; i < n; i++)
        {
            for (var j = 0; j < n; j++)
            {
                distance += (model.Mean[i] - mean[i]) * inverse[i, j] * (model.Mean[j] - mean[j]);
            }
        }
        return Math.Sqrt(Math.Max(distance, 0));
    }
}
