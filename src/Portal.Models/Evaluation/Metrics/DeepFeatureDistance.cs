using Portal.Models.Analysis;

namespace Portal.Models.Evaluation.Metrics;

/// <summary>
/// A deep-feature distance in the spirit of LPIPS, uncalibrated: MobileNetV2 (ImageNet trunk, from
/// nsfwjs) features at four depths, each pixel's channel vector scaled to unit length, squared
/// differences summed over channels, averaged over the map, summed over the layers. LPIPS learns a
/// weight per channel from human judgements; this uses none, so the values rank images but carry no
/// calibrated meaning. Full reference; lower is better; 0 for identical images; at most 4 per layer.
/// </summary>
public sealed class DeepFeatureDistance(string modelsDirectory, int threads = 0) : IQualityMetric, IDisposable
{
    private const float Epsilon = 1e-10f;

    // The evaluation scores many results against one original: its features are computed once.
    private readonly System.Runtime.CompilerServices.ConditionalWeakTable<RgbImage, (float[] Values, int Channels)[]> references = [];

    private readonly AnalysisSession session = new(AnalysisNetworks.PathOf(modelsDirectory, AnalysisNetworks.MobileNetFeatures), threads);

    public string Id => "deep-features";

    public string Label => "deep-feature dist.";

    public bool NeedsReference => true;

    public bool LowerIsBetter => true;

    public string? Note => "uncalibrated: MobileNetV2 (ImageNet) features without LPIPS's learned weights; it ranks, its values have no perceptual scale";

    public double? Measure(MetricSample sample) => Measure(sample.RequireReference(Id), sample.Result);

    /// <summary>The distance and each layer's share.</summary>
    public (double Distance, double[] PerLayer) MeasureLayers(RgbImage reference, RgbImage candidate)
    {
        if (reference.Width != candidate.Width || reference.Height != candidate.Height)
        {
            throw new ArgumentException($"The images differ in size: {reference.Width}x{reference.Height} vs {candidate.Width}x{candidate.Height}.");
        }
        if (reference.Width < 16 || reference.Height < 16)
        {
            throw new ArgumentException($"The images are {reference.Width}x{reference.Height}; the feature distance needs at least 16x16.");
        }
        if (!references.TryGetValue(reference, out var a))
        {
            a = Features(reference);
            references.AddOrUpdate(reference, a);
        }
        var b = Features(candidate);
        var perLayer = new double[a.Length];
        for (var layer = 0; layer < a.Length; layer++)
        {
            perLayer[layer] = NormalisedSquaredDistance(a[layer].Values, b[layer].Values, a[layer].Channels);
        }
        return (perLayer.Sum(), perLayer);
    }

    public double Measure(RgbImage reference, RgbImage candidate) => MeasureLayers(reference, candidate).Distance;

    /// <summary>Each tap's activations, planar [C, H*W].</summary>
    public (float[] Values, int Channels)[] Features(RgbImage image)
    {
        return session.Run(image.Planes, image.Height, image.Width).Select(o => (o.Values, o.Dimensions[1])).ToArray();
    }

    /// <summary>Mean over pixels of the squared distance between unit-normalised channel vectors.</summary>
    internal static double NormalisedSquaredDistance(float[] a, float[] b, int channels)
    {
        var area = a.Length / channels;
        double total = 0;
        for (var p = 0; p < area; p++)
        {
            double normA = 0, normB = 0;
            for (var c = 0; c < channels; c++)
            {
                var va = a[c * area + p];
                var vb = b[c * area + p];
                normA += va * va;
                normB += vb * vb;
            }
            var inverseA = 1 / (Math.Sqrt(normA) + Epsilon);
            var inverseB = 1 / (Math.Sqrt(normB) + Epsilon);
            double sum = 0;
            for (var c = 0; c < channels; c++)
            {
                var d = a[c * area + p] * inverseA - b[c * area + p] * inverseB;
                sum += d * d;
            }
            total += sum;
        }
        return total / area;
    }

    public void Dispose() => session.Dispose();
}
