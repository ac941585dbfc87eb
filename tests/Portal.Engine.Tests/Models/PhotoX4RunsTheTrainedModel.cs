using Portal.Engine.Tests.Support;
using Portal.Models;
using Portal.Models.Evaluation;
using Portal.Models.Evaluation.Metrics;

namespace Portal.Engine.Tests.Models;

/// <summary>photo-x4, the x4 photo model this project fine-tuned from x4fast, committed with its recipe pinned.</summary>
public sealed class PhotoX4RunsTheTrainedModel
{
    [Fact]
    public void The_committed_file_matches_the_manifest_and_the_catalog_pins_its_recipe()
    {
        var entry = TrainedModelPin.Check("photo-x4", ContentType.Photo, "photo-x4-anchor-wes.data-manifest.json");

        Assert.Equal(4, entry.Scale);
    }

    [Fact]
    public void It_runs_at_x4_and_beats_lanczos3_and_x4fast_on_a_compressed_noisy_evaluation_photo()
    {
        var images = new[] { new EvaluationImage("coffee.png", Degradation.TestPhotos.Crop("coffee.png", 128)) };
        using var features = new DeepFeatureDistance(RepoPaths.Models);

        var scores = new TrackEvaluator([new PsnrY(), features]).Evaluate(images, 4, [EvaluationTrack.Medium],
            [("photo-x4", Path.Combine(RepoPaths.Models, "photo-x4.onnx")), ("x4fast", Path.Combine(RepoPaths.Models, "realesrgan-x4fast-x4.onnx"))],
            CancellationToken.None);

        double Score(string method, string metric) => scores.Single(r => r.Method == method).Means[metric];
        var (trained, lanczos, start) = (Score("photo-x4", features.Id), Score(ModelEvaluator.Lanczos3, features.Id), Score("x4fast", features.Id));
        Assert.True(trained < lanczos - 0.2, $"deep-feature distance: photo-x4 {trained:F4}, lanczos3 {lanczos:F4}");
        Assert.True(trained < start, $"deep-feature distance: photo-x4 {trained:F4}, x4fast {start:F4}");
        Assert.True(Score("photo-x4", "psnr-y") > Score("x4fast", "psnr-y"),
            $"PSNR-Y: photo-x4 {Score("photo-x4", "psnr-y"):F2} dB, x4fast {Score("x4fast", "psnr-y"):F2} dB");
    }
}
