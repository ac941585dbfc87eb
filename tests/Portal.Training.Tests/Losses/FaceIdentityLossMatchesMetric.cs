using Portal.Engine.Faces;
using Portal.Models.Degradation;
using Portal.Models.Evaluation;
using Portal.Training.Data;
using Portal.Training.Losses;
using Portal.Training.Tests.Support;
using static TorchSharp.torch;

namespace Portal.Training.Tests.Losses;

/// <summary>The face identity loss rebuilds the face-drift metric's recognition network in TorchSharp: same descriptors, same distance, frozen.</summary>
public sealed class FaceIdentityLossMatchesMetric
{
    private static RgbImage Photo(string name) => RgbImage.Load(Path.Combine(RepositoryPaths.Models, "evaluation", "photos", name + ".png"));

    private static Tensor AsBatch(RgbImage image) => tensor(image.Planes).reshape(1, 3, image.Height, image.Width);

    [Fact]
    public void Its_descriptors_match_onnx_runtime_on_the_committed_network()
    {
        using var recognizer = new FaceRecognizer(RepositoryPaths.Models, threads: 1);
        using var network = FaceRecognitionNetwork.Load(RepositoryPaths.Models);
        Assert.Empty(network.parameters());
        var random = new SeededRandom(7);
        var noise = Enumerable.Range(0, 3 * 150 * 150).Select(_ => (float)random.NextDouble()).ToArray();
        var portrait = Resampler.Resize(TrainingPairs.Crop(Photo("portrait-uniform"), 120, 60, 220, 220), 150, 150, Resampler.Kernel.Bicubic).Planes;
        var astronaut = Resampler.Resize(TrainingPairs.Crop(Photo("astronaut"), 100, 0, 200, 200), 150, 150, Resampler.Kernel.Bicubic).Planes;
        using var _ = no_grad();
        foreach (var (label, planes) in new[] { ("noise", noise), ("portrait", portrait), ("astronaut", astronaut) })
        {
            var expected = recognizer.DescribeInput(planes);
            using var input = tensor(planes).reshape(1, 3, 150, 150);
            var actual = network.call(input).data<float>().ToArray();
            Assert.Equal(128, actual.Length);
            var worst = expected.Zip(actual, (a, b) => Math.Abs(a - b)).Max();
            Assert.True(expected.Max(Math.Abs) > 0.05f, $"{label}: the descriptor is all but zero; the comparison would prove nothing");
            Assert.True(worst <= 1e-4, $"{label}: largest descriptor difference {worst:E2}");
        }
    }

    [Fact]
    public void Its_distance_is_the_face_drift_metrics_distance_and_grows_with_blur()
    {
        var original = Photo("portrait-uniform");
        using var detector = new FaceDetector(RepositoryPaths.Models, threads: 1);
        using var recognizer = new FaceRecognizer(RepositoryPaths.Models, threads: 1);
        var box = Assert.Single(detector.Detect(original)).AlignedBox;
        // A crop with a margin around the aligned box; the loss reads the box back through its inset.
        const int margin = 12;
        var (x, y, side) = ((int)box.X, (int)box.Y, (int)box.Width);
        Assert.True(x >= margin && y >= margin && x + side + margin <= original.Width && y + side + margin <= original.Height, $"the face box {box} is too close to the edge for the test");
        using var loss = FaceIdentityLoss.Load(RepositoryPaths.Models);
        Assert.Empty(loss.parameters());
        Tensor Crop(RgbImage image) => AsBatch(TrainingPairs.Crop(image, x - margin, y - margin, side + 2 * margin, side + 2 * margin));

        using (no_grad())
        using (var same = loss.Distance(Crop(original), Crop(original), margin))
        {
            Assert.True(same.item<float>() < 1e-5, $"identical faces are {same.item<float>()} apart");
        }
        var distances = new List<float>();
        foreach (var shrink in new[] { 3, 6 })
        {
            var blurred = Resampler.Resize(Resampler.Resize(original, original.Width / shrink, original.Height / shrink, Resampler.Kernel.Bicubic),
                original.Width, original.Height, Resampler.Kernel.Bicubic);
            var expected = FaceRecognizer.Distance(recognizer.Describe(original, box), recognizer.Describe(blurred, box));
            using var output = Crop(blurred).requires_grad_();
            using var distance = loss.Distance(output, Crop(original), margin);
            Assert.Equal(expected, distance.item<float>(), 1e-4);
            distance.backward();
            Assert.True(output.grad!.abs().sum().item<float>() > 0, "no gradient reached the face");
            distances.Add(distance.item<float>());
        }
        Assert.True(distances[0] > 0.01, $"a 1/3 blur moves the face by only {distances[0]}");
        Assert.True(distances[1] > distances[0], $"a stronger blur should move the face further: {distances[0]} then {distances[1]}");
    }
}
