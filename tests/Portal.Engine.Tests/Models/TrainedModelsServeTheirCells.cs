using Portal.Engine.Tests.Support;
using Portal.Models;
using Portal.Models.Evaluation;
using Portal.Models.Evaluation.Metrics;
using Portal.Models.Lineup;

namespace Portal.Engine.Tests.Models;

/// <summary>
/// The x2 models this project fine-tuned for degraded input (photo-x2 at photo x2 Balanced, art-x2 at art x2 Fast): each
/// serves its cell's compressed or noisy uploads, is committed with its recipe pinned, and runs.
/// </summary>
public sealed class TrainedModelsServeTheirCells
{
    [Theory]
    [InlineData(ContentType.Photo, QualityLevel.Balanced, "photo-x2", "esrgan-legacy-psnr-small-x2")]
    [InlineData(ContentType.Art, QualityLevel.Fast, "art-x2", "realesr-animevideov3-x2")]
    public void Degraded_input_gets_the_trained_model_and_clean_input_keeps_its_own(ContentType content, QualityLevel level, string trained, string cleanModel)
    {
        var degraded = LineupRules.Current.Choose(content, 2, level, InputCondition.Degraded);
        var clean = LineupRules.Current.Choose(content, 2, level, InputCondition.Clean);

        Assert.Equal((trained, InputCondition.Degraded), (degraded.ModelId, degraded.Condition));
        Assert.Null(degraded.Restoration);
        Assert.Equal(cleanModel, clean.ModelId);
    }

    [Theory]
    [InlineData("photo-x2", ContentType.Photo, "photo-x2-anchor-wes.data-manifest.json")]
    // art-x2's runs read the art set art-x4-tracks recorded (same builder and packages: byte for byte the same manifest);
    // the photographs mixed into one of them are recorded beside its recipe.
    [InlineData("art-x2", ContentType.Art, "art-x4-tracks.data-manifest.json", "art-x2-calmmixf02.mix.data-manifest.json")]
    public void The_committed_file_matches_the_manifest_and_the_catalog_pins_its_recipe(string id, ContentType content, params string[] dataManifests)
    {
        var entry = TrainedModelPin.Check(id, content, dataManifests);

        Assert.Equal(2, entry.Scale);
    }

    [Theory]
    [InlineData("photo-x2", "photos", "coffee.png", 128, 0.3)]
    [InlineData("art-x2", "art", "crawfish.png", 160, 1.0)]
    public void It_runs_at_x2_and_beats_lanczos3_on_a_compressed_noisy_evaluation_image(string id, string folder, string name, int size, double marginDb)
    {
        var original = RgbImage.Load(Path.Combine(RepoPaths.Models, "evaluation", folder, name));
        var images = new[] { new EvaluationImage(name, Degradation.TestPhotos.Crop(original, size, size)) };
        var model = Path.Combine(RepoPaths.Models, id + ".onnx");

        var scores = new TrackEvaluator([new PsnrY()]).Evaluate(images, 2, [EvaluationTrack.Medium], [(id, model)], CancellationToken.None);

        double Psnr(string method) => scores.Single(r => r.Method == method).Means["psnr-y"];
        Assert.True(Psnr(id) > Psnr(ModelEvaluator.Lanczos3) + marginDb, $"{id} {Psnr(id):F2} dB, lanczos3 {Psnr(ModelEvaluator.Lanczos3):F2} dB");
    }
}
