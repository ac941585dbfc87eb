using Portal.Models.Analysis;
using Xunit.Abstractions;

namespace Portal.Engine.Tests.Analysis;

/// <summary>The float32 layer list handed to the training pipeline computes what the committed feature network computes.</summary>
public sealed class FeatureTrunkComputesTheNetwork(ITestOutputHelper output)
{
    [Fact]
    public void Rebuilt_from_its_layers_the_trunk_matches_the_network()
    {
        var layers = FeatureTrunk.Read(AnalysisFixtures.ModelsDirectory);
        Assert.Equal("Affine", layers[0].Op);
        Assert.Equal(AnalysisNetworks.FeatureTaps.Select(t => "feature_" + t), layers.Where(l => l.Op == "Output").Select(l => l.Name));
        // Batch normalisation is folded away: every conv of the trunk is a layer, nothing else multiplies.
        Assert.DoesNotContain(layers, l => l.Op is not ("Affine" or "Conv" or "Pad" or "Clip" or "Add" or "Output"));
        output.WriteLine($"{layers.Count} layers, {layers.Count(l => l.Op == "Conv")} convolutions, {layers.Where(l => l.Weight is not null).Sum(l => l.Weight!.Length + l.Bias!.Length):N0} parameters");

        var rebuilt = FeatureTrunk.ToOnnx(layers);
        var path = Path.Combine(Path.GetTempPath(), "feature-trunk-" + Guid.NewGuid().ToString("N") + ".onnx");
        try
        {
            File.WriteAllBytes(path, rebuilt);
            using var trunk = new AnalysisSession(path, 0);
            using var network = new AnalysisSession(AnalysisNetworks.PathOf(AnalysisFixtures.ModelsDirectory, AnalysisNetworks.MobileNetFeatures), 0);
            var input = AnalysisFixtures.Pattern(96);
            var expected = network.Run(input, 96, 96);
            var actual = trunk.Run(input, 96, 96);
            Assert.Equal(expected.Length, actual.Length);
            for (var i = 0; i < expected.Length; i++)
            {
                Assert.Equal(expected[i].Dimensions, actual[i].Dimensions);
                var (maxAbs, scale) = AnalysisFixtures.Compare(expected[i].Values, actual[i].Values);
                output.WriteLine($"{AnalysisNetworks.FeatureTaps[i]}: max |difference| {maxAbs:G3} (scale {scale:G3})");
                Assert.True(maxAbs <= 1e-4f * Math.Max(1, scale), $"tap {i}: {maxAbs}");
            }
        }
        finally
        {
            File.Delete(path);
        }
    }
}
