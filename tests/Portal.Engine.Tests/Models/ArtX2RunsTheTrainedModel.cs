using Portal.Engine.Tests.Support;
using Portal.Models;
using Portal.Models.Evaluation;
using Portal.Models.Evaluation.Metrics;
using Portal.Models.Lineup;

namespace Portal.Engine.Tests.Models;

/// <summary>Compressed or noisy art at x2 gets art-x2, the art model this project fine-tuned, committed with its recipe pinned.</summary>
public sealed class ArtX2RunsTheTrainedModel
{
    [Fact]
    public void Degraded_art_at_x2_fast_gets_the_trained_model_and_clean_art_keeps_animevideov3()
    {
        var degraded = LineupRules.Current.Choose(ContentType.Art, 2, QualityLevel.Fast, InputCondition.Degraded);
        var clean = LineupRules.Current.Choose(ContentType.Art, 2, QualityLevel.Fast, InputCondition.Clean);

        Assert.Equal(("art-x2", InputCondition.Degraded), (degraded.ModelId, degraded.Condition));
        Assert.Null(degraded.Restoration);
        Assert.Equal("realesr-animevideov3-x2", clean.ModelId);
    }

    [Fact]
    public void The_committed_file_matches_the_manifest_and_the_catalog_pins_its_recipe()
    {
        // The run's art set is the one art-x4-tracks recorded (same builder, same packages: byte for byte the same manifest).
        var entry = TrainedModelPin.Check("art-x2", ContentType.Art, "art-x4-tracks.data-manifest.json");

        Assert.Equal(2, entry.Scale);
    }

    [Fact]
    public void It_runs_at_x2_and_beats_lanczos3_on_a_compressed_noisy_evaluation_drawing()
    {
        var drawing = RgbImage.Load(Path.Combine(RepoPaths.Models, "evaluation", "art", "crawfish.png"));
        var images = new[] { new EvaluationImage("crawfish.png", Degradation.TestPhotos.Crop(drawing, 160, 160)) };
        var model = Path.Combine(RepoPaths.Models, "art-x2.onnx");

        var scores = new TrackEvaluator([new PsnrY()]).Evaluate(images, 2, [EvaluationTrack.Medium], [("art-x2", model)], CancellationToken.None);

        double Psnr(string method) => scores.Single(r => r.Method == method).Means["psnr-y"];
        Assert.True(Psnr("art-x2") > Psnr(ModelEvaluator.Lanczos3) + 1, $"art-x2 {Psnr("art-x2"):F2} dB, lanczos3 {Psnr(ModelEvaluator.Lanczos3):F2} dB");
    }
}
