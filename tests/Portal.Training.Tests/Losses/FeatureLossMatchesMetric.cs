using Portal.Models.Evaluation;
using Portal.Models.Evaluation.Metrics;
using Portal.Training.Data;
using Portal.Training.Losses;
using Portal.Training.Tests.Support;
using static TorchSharp.torch;

namespace Portal.Training.Tests.Losses;

/// <summary>The feature loss rebuilds the deep-feature metric's MobileNetV2 trunk in TorchSharp: same features, same distance, frozen.</summary>
public sealed class FeatureLossMatchesMetric
{
    private static RgbImage Photo(int x, int y, int width, int height) =>
        TrainingPairs.Crop(RgbImage.Load(Path.Combine(RepositoryPaths.Models, "evaluation", "photos", "chelsea.png")), x, y, width, height);

    [Fact]
    public void Its_features_match_onnx_runtime_on_the_committed_network()
    {
        var image = Photo(40, 30, 72, 56);
        using var metric = new DeepFeatureDistance(RepositoryPaths.Models, threads: 1);
        var expected = metric.Features(image);
        using var loss = FeatureLoss.Load(RepositoryPaths.Models);
        using var _ = no_grad();
        using var input = tensor(image.Planes).reshape(1, 3, image.Height, image.Width);
        var taps = loss.call(input);
        Assert.Equal(expected.Length, taps.Count);
        for (var i = 0; i < taps.Count; i++)
        {
            Assert.Equal(expected[i].Channels, taps[i].shape[1]);
            var actual = taps[i].data<float>().ToArray();
            Assert.Equal(expected[i].Values.Length, actual.Length);
            var scale = expected[i].Values.Max(Math.Abs);
            var worst = expected[i].Values.Zip(actual, (a, b) => Math.Abs(a - b)).Max();
            Assert.True(scale > 0.1f, $"tap {i} is all but zero ({scale}); the comparison would prove nothing");
            Assert.True(worst <= 1e-4 * Math.Max(1, scale), $"tap {i}: largest difference {worst:E2} (largest activation {scale:F2})");
        }
    }

    [Fact]
    public void Its_distance_is_the_metrics_distance_and_has_no_trainable_weights()
    {
        var reference = Photo(40, 30, 64, 64);
        var blurred = Resampler.Resize(Resampler.Resize(reference, 16, 16, Resampler.Kernel.Bicubic), 64, 64, Resampler.Kernel.Bicubic);
        using var metric = new DeepFeatureDistance(RepositoryPaths.Models, threads: 1);
        var expected = metric.Measure(reference, blurred);
        using var loss = FeatureLoss.Load(RepositoryPaths.Models);
        Assert.Empty(loss.parameters());
        using var output = tensor(blurred.Planes).reshape(1, 3, 64, 64).requires_grad_();
        using var target = tensor(reference.Planes).reshape(1, 3, 64, 64);
        using var distance = loss.Distance(output, target);
        Assert.True(expected > 0.1, $"the blurred copy should be far from the original; the metric says {expected}");
        Assert.Equal(expected, distance.item<float>(), 1e-3 * expected);
        distance.backward();
        Assert.True(output.grad!.abs().sum().item<float>() > 0, "no gradient reached the image");
    }
}
