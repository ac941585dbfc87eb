using Portal.Engine.Tests.Support;
using Portal.Models;
using Portal.Models.Evaluation;
using Portal.Models.Evaluation.Metrics;
using Portal.Models.Lineup;

namespace Portal.Engine.Tests.Models;

/// <summary>Compressed or noisy photos at x2 get photo-x2, the photo model this project fine-tuned, committed with its recipe pinned.</summary>
public sealed class PhotoX2RunsTheTrainedModel
{
    [Fact]
    public void Degraded_photos_at_x2_balanced_get_the_trained_native_x2_model_and_clean_ones_keep_theirs()
    {
        var degraded = LineupRules.Current.Choose(ContentType.Photo, 2, QualityLevel.Balanced, InputCondition.Degraded);
        var clean = LineupRules.Current.Choose(ContentType.Photo, 2, QualityLevel.Balanced, InputCondition.Clean);

        Assert.Equal(("photo-x2", InputCondition.Degraded), (degraded.ModelId, degraded.Condition));
        Assert.Null(degraded.Restoration);
        Assert.Equal("esrgan-legacy-psnr-small-x2", clean.ModelId);
    }

    [Fact]
    public void The_committed_file_matches_the_manifest_and_the_catalog_pins_its_recipe()
    {
        var entry = TrainedModelPin.Check("photo-x2", ContentType.Photo, "photo-x2-anchor-wes.data-manifest.json");

        Assert.Equal(2, entry.Scale);
    }

    [Fact]
    public void It_runs_at_x2_and_beats_lanczos3_on_a_compressed_noisy_evaluation_photo()
    {
        var images = new[] { new EvaluationImage("coffee.png", Degradation.TestPhotos.Crop("coffee.png", 128)) };
        var model = Path.Combine(RepoPaths.Models, "photo-x2.onnx");

        var scores = new TrackEvaluator([new PsnrY()]).Evaluate(images, 2, [EvaluationTrack.Medium], [("photo-x2", model)], CancellationToken.None);

        double Psnr(string method) => scores.Single(r => r.Method == method).Means["psnr-y"];
        Assert.True(Psnr("photo-x2") > Psnr(ModelEvaluator.Lanczos3) + 0.3, $"photo-x2 {Psnr("photo-x2"):F2} dB, lanczos3 {Psnr(ModelEvaluator.Lanczos3):F2} dB");
    }
}
