using NetVips;
using Portal.Engine.Faces;
using Portal.Models.Evaluation;
using Portal.Models.Evaluation.Metrics;
using Xunit.Abstractions;

namespace Portal.Engine.Tests.Analysis;

/// <summary>Face identity drift: none for the same image, small for a mild JPEG, large between two people;
/// and the descriptors agree with face-api's own on its sample photo.</summary>
public sealed class IdentityDriftBehaves(ITestOutputHelper output) : IDisposable
{
    private readonly FaceDetector detector = new(AnalysisFixtures.ModelsDirectory);
    private readonly FaceRecognizer recognizer = new(AnalysisFixtures.ModelsDirectory);

    [Fact]
    public void Identical_portraits_do_not_drift_and_a_mild_jpeg_drifts_little()
    {
        var drift = new FaceIdentityDrift(detector, recognizer);
        var portrait = AnalysisFixtures.Portrait();
        var same = drift.Measure(portrait, portrait);
        var jpeg = drift.Measure(portrait, Jpeg(portrait, 75));
        var heavy = drift.Measure(portrait, Jpeg(portrait, 10));
        output.WriteLine($"identical {same.Mean:F4}, JPEG q75 {jpeg.Mean:F4}, JPEG q10 {heavy.Mean:F4}");
        Assert.Single(same.Faces);
        Assert.True(same.Mean < 1e-5, $"identical drift {same.Mean}");
        Assert.InRange(jpeg.Mean, 1e-4, 0.15);
        Assert.True(heavy.Mean > jpeg.Mean, $"q10 {heavy.Mean} should drift more than q75 {jpeg.Mean}");
    }

    [Fact]
    public void An_upscaled_result_is_compared_at_its_own_size()
    {
        var drift = new FaceIdentityDrift(detector, recognizer);
        var portrait = AnalysisFixtures.Portrait();
        using var vips = portrait.ToVips();
        using var larger = vips.Resize(2, kernel: Enums.Kernel.Lanczos3);
        var report = drift.Measure(portrait, RgbImage.FromVips(larger));
        output.WriteLine($"lanczos3 x2 of the portrait: drift {report.Mean:F4}");
        Assert.InRange(report.Mean, 0, 0.15);
    }

    [Fact]
    public async Task Different_people_are_far_apart()
    {
        var portrait = AnalysisFixtures.Portrait();
        var portraitFace = Assert.Single(detector.Detect(portrait));
        var astronaut = recognizer.Describe(portrait, portraitFace.AlignedBox);
        var sample = await AnalysisFixtures.FaceApiSampleAsync("sample1.jpg");
        var others = detector.Detect(sample).Select(f => recognizer.Describe(sample, f.AlignedBox)).ToList();
        Assert.Equal(3, others.Count);
        var distances = others.Select(o => FaceRecognizer.Distance(astronaut, o)).ToList();
        distances.AddRange([FaceRecognizer.Distance(others[0], others[1]), FaceRecognizer.Distance(others[0], others[2]), FaceRecognizer.Distance(others[1], others[2])]);
        output.WriteLine("distances between different people: " + string.Join(", ", distances.Select(d => d.ToString("F3"))));
        // face-api suggests 0.6 as the same-person threshold; these strangers measure 0.56-0.74, a q75 JPEG of one face 0.08.
        Assert.All(distances, d => Assert.True(d > 0.5f, $"distance {d}"));
    }

    [Fact]
    public async Task Descriptors_match_face_api_on_its_sample()
    {
        var sample = await AnalysisFixtures.FaceApiSampleAsync("sample1.jpg");
        var faces = detector.Detect(sample);
        foreach (var reference in AnalysisFixtures.Reference.GetProperty("sample1").EnumerateArray())
        {
            var b = AnalysisFixtures.ReferenceValues(reference.GetProperty("box"));
            var face = faces.MaxBy(f => f.Box.IntersectionOverUnion(new FaceBox(b[0], b[1], b[2], b[3])))!;
            var a = AnalysisFixtures.ReferenceValues(reference.GetProperty("alignedBox"));
            var theirBox = new FaceBox(a[0], a[1], a[2], a[3]);
            var expected = AnalysisFixtures.ReferenceValues(reference.GetProperty("descriptor"));
            // Same box: what is left is the two JPEG decoders (libjpeg-turbo here, jpeg-js there); the networks
            // themselves agree to 1e-5 on identical input (ConvertedAnalysisNetworksMatchTfjs).
            var sameBox = FaceRecognizer.Distance(recognizer.Describe(sample, theirBox), expected);
            // End to end, our landmarks (2-3 px off through the decoder) place the box a few pixels away.
            var endToEnd = FaceRecognizer.Distance(recognizer.Describe(sample, face.AlignedBox), expected);
            var boxIou = face.AlignedBox.IntersectionOverUnion(theirBox);
            output.WriteLine($"aligned box {face.AlignedBox} vs face-api's {theirBox}: IoU {boxIou:F3}; " +
                $"descriptor distance from face-api's box {sameBox:F4}, end to end {endToEnd:F4}");
            Assert.True(boxIou > 0.95f, $"aligned box IoU {boxIou}");
            Assert.True(sameBox < 0.03f, $"same-box distance {sameBox}");
            Assert.True(endToEnd < 0.15f, $"end-to-end distance {endToEnd}");
        }
    }

    [Fact]
    public void As_an_evaluation_metric_it_scores_portraits_and_skips_images_without_faces()
    {
        using var metric = new FaceIdentityDrift(AnalysisFixtures.ModelsDirectory);
        Assert.True(metric.NeedsReference);
        Assert.True(metric.LowerIsBetter);
        var portrait = AnalysisFixtures.Portrait();
        var blurred = Blur(portrait, 3);
        var score = metric.Measure(new MetricSample(blurred, portrait, 1, "astronaut.png"));
        var again = metric.Measure(new MetricSample(blurred, portrait, 1, "astronaut.png"));
        output.WriteLine($"portrait blurred (sigma 3): drift {score:F4}");
        Assert.NotNull(score);
        Assert.True(score > 0.1, $"drift {score}");
        Assert.Equal(score, again);
        var stillLife = AnalysisFixtures.FaceFree();
        Assert.Null(metric.Measure(new MetricSample(stillLife, stillLife, 1, "coffee.png")));
        Assert.Throws<InvalidOperationException>(() => metric.Measure(new MetricSample(portrait, null, 1, "astronaut.png")));
    }

    private static RgbImage Blur(RgbImage image, double sigma)
    {
        using var vips = image.ToVips();
        using var blurred = vips.Gaussblur(sigma);
        return RgbImage.FromVips(blurred);
    }

    private static RgbImage Jpeg(RgbImage image, int quality)
    {
        using var vips = image.ToVips();
        var bytes = vips.JpegsaveBuffer(q: quality);
        using var decoded = Image.NewFromBuffer(bytes);
        return RgbImage.FromVips(decoded);
    }

    public void Dispose()
    {
        detector.Dispose();
        recognizer.Dispose();
    }
}
