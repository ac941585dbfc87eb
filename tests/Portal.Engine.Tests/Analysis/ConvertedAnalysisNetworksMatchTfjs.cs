using Portal.Models.Analysis;
using Xunit.Abstractions;

namespace Portal.Engine.Tests.Analysis;

/// <summary>
/// Each converted analysis network, run by ONNX Runtime on the synthetic input, reproduces what
/// the package's own runtime (TF.js 4.22, CPU backend) computed on the same input; and the
/// committed ONNX files are exactly what the converter makes from the pinned tarballs.
/// </summary>
public sealed class ConvertedAnalysisNetworksMatchTfjs(ITestOutputHelper output)
{
    [Theory]
    [InlineData("face-detector-tiny", "tinyFaceDetector", 416)]
    [InlineData("face-landmarks-68", "faceLandmark68", 112)]
    [InlineData("face-recognition", "faceRecognition", 150)]
    public void Face_network_matches_face_api(string id, string referenceKey, int size)
    {
        var network = AnalysisNetworks.Find(id)!;
        using var session = new AnalysisSession(AnalysisNetworks.PathOf(AnalysisFixtures.ModelsDirectory, network), 0);
        var (actual, _) = session.Run(AnalysisFixtures.Pattern(size), size, size)[0];
        var expected = AnalysisFixtures.ReferenceValues(AnalysisFixtures.Reference.GetProperty(referenceKey).GetProperty("output"));

        var (maxAbs, scale) = AnalysisFixtures.Compare(expected, actual);
        output.WriteLine($"{id}: {expected.Length} outputs, max |difference| {maxAbs:G3} (largest reference magnitude {scale:G3})");
        Assert.True(maxAbs <= 1e-4f * Math.Max(1f, scale), $"{id}: max difference {maxAbs} vs reference magnitude {scale}.");
    }

    [Fact]
    public void Feature_network_matches_keras_layers_in_tfjs()
    {
        using var session = new AnalysisSession(AnalysisNetworks.PathOf(AnalysisFixtures.ModelsDirectory, AnalysisNetworks.MobileNetFeatures), 0);
        var outputs = session.Run(AnalysisFixtures.Pattern(224), 224, 224);
        var taps = AnalysisFixtures.Reference.GetProperty("mobileNetV2").GetProperty("taps");
        Assert.Equal(AnalysisNetworks.FeatureTaps.Count, outputs.Length);
        for (var i = 0; i < outputs.Length; i++)
        {
            var tap = taps.GetProperty(AnalysisNetworks.FeatureTaps[i]);
            var shape = tap.GetProperty("shape").EnumerateArray().Select(d => d.GetInt32()).ToArray(); // NHWC
            Assert.Equal([1, shape[3], shape[1], shape[2]], outputs[i].Dimensions);
            var stride = tap.GetProperty("stride").GetInt32();
            var samples = AnalysisFixtures.ReferenceValues(tap.GetProperty("samples"));
            var actual = Enumerable.Range(0, samples.Length).Select(j => outputs[i].Values[j * stride]).ToArray();
            var (maxAbs, scale) = AnalysisFixtures.Compare(samples, actual);
            var meanSquare = outputs[i].Values.Average(v => (double)v * v);
            var expectedMeanSquare = tap.GetProperty("meanSquare").GetDouble();
            output.WriteLine($"{AnalysisNetworks.FeatureTaps[i]}: {samples.Length} samples, max |difference| {maxAbs:G3} (scale {scale:G3}); " +
                $"mean square {meanSquare:G7} vs {expectedMeanSquare:G7}");
            Assert.True(maxAbs <= 1e-4f * Math.Max(1f, scale), $"{AnalysisNetworks.FeatureTaps[i]}: max difference {maxAbs}.");
            Assert.InRange(meanSquare / expectedMeanSquare, 1 - 1e-4, 1 + 1e-4);
        }
    }

    [Fact]
    public async Task Committed_files_are_what_the_converter_makes_from_the_pinned_packages()
    {
        var faceApi = await AnalysisFixtures.OpenFaceApiAsync();
        var nsfwPath = await new Portal.Models.Packages.NpmPackageFetcher(Path.Combine(Models.PinnedPackages.CacheDirectory, "npm"))
            .GetAsync(AnalysisNetworks.MobileNetFeatures.Package, AnalysisNetworks.MobileNetFeatures.Version, AnalysisNetworks.MobileNetFeatures.Integrity, CancellationToken.None);
        var nsfw = Portal.Models.Packages.NpmTarball.Open(nsfwPath, AnalysisNetworks.MobileNetFeatures.Integrity,
            f => AnalysisNetworks.MobileNetFeatures.SourceFiles.Contains(f));
        foreach (var network in AnalysisNetworks.All)
        {
            var converted = AnalysisNetworks.ConvertFrom(network, network.Package == "nsfwjs" ? nsfw : faceApi);
            var committed = await File.ReadAllBytesAsync(AnalysisNetworks.PathOf(AnalysisFixtures.ModelsDirectory, network));
            Assert.True(converted.AsSpan().SequenceEqual(committed), $"{network.Id}: the committed file differs from a fresh conversion.");
        }
    }
}
