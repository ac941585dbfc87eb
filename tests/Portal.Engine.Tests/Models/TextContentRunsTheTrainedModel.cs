using Portal.Engine.Tests.Support;
using Portal.Models;
using Portal.Models.Evaluation;
using Portal.Models.Evaluation.Metrics;
using Portal.Models.Lineup;

namespace Portal.Engine.Tests.Models;

/// <summary>Text and screenshots are the third content type, served by the model this project trained, whose recipe is pinned.</summary>
public sealed class TextContentRunsTheTrainedModel
{
    [Theory]
    [InlineData(2, "text-x2")]
    [InlineData(4, "text-x4")]
    public void Text_fast_runs_the_trained_model_of_its_scale_for_clean_and_compressed_inputs(int scale, string modelId)
    {
        foreach (var condition in new[] { InputCondition.Clean, InputCondition.Degraded })
        {
            var choice = LineupRules.Current.Choose(ContentType.Text, scale, QualityLevel.Fast, condition);
            Assert.True(choice.Offered, choice.Refusal);
            Assert.Equal(modelId, choice.ModelId);
        }
    }

    [Fact]
    public void The_engine_upscales_a_picture_as_text()
    {
        using var upscaler = new ImageUpscaler(new EngineOptions { ModelsDirectory = RepoPaths.Models });
        var request = new UpscaleRequest { Content = ContentType.Text, Quality = QualityLevel.Fast, Scale = 2 };

        var plan = upscaler.Plan(FixturePath.Of("photo.png"), request);

        Assert.Equal("text-x2", plan.Model.Id);
    }

    [Theory]
    [InlineData("text-x2")]
    [InlineData("text-x4")]
    public void The_catalog_pins_the_committed_recipe_by_its_sha512_and_the_manifest_agrees(string id)
    {
        TrainedModelPin.Check(id, ContentType.Text, "text-x2-general.data-manifest.json");
    }

    [Fact]
    public void The_engine_upscales_a_picture_as_text_at_x4_with_the_x4_model()
    {
        using var upscaler = new ImageUpscaler(new EngineOptions { ModelsDirectory = RepoPaths.Models });
        var request = new UpscaleRequest { Content = ContentType.Text, Quality = QualityLevel.Fast, Scale = 4 };

        var plan = upscaler.Plan(FixturePath.Of("photo.png"), request);

        Assert.Equal("text-x4", plan.Model.Id);
        Assert.Equal(4, plan.Model.Scale);
    }

    [Theory]
    // Measured 1.14 and 0.76 dB over lanczos3 (docs/TRAINING.md, "Text x4"): the page's 14 px text is 3.5 px tall in the input.
    [InlineData(EvaluationTrack.Clean, 0.8)]
    [InlineData(EvaluationTrack.Light, 0.4)]
    public void Text_x4_beats_lanczos3_on_the_rendered_evaluation_page(EvaluationTrack track, double marginDb)
    {
        var page = RgbImage.Load(Path.Combine(RepoPaths.Models, "evaluation", "text", "page.png"));
        var images = new[] { new EvaluationImage("page.png", page) };
        var model = Path.Combine(RepoPaths.Models, "text-x4.onnx");

        var scores = new TrackEvaluator([new PsnrY()]).Evaluate(images, 4, [track], [("text-x4", model)], CancellationToken.None);

        double Psnr(string method) => scores.Single(r => r.Method == method).Means["psnr-y"];
        Assert.True(Psnr("text-x4") > Psnr(ModelEvaluator.Lanczos3) + marginDb, $"text-x4 {Psnr("text-x4"):F2} dB, lanczos3 {Psnr(ModelEvaluator.Lanczos3):F2} dB");
    }

    [Fact]
    public async Task Importing_a_trained_model_is_refused_with_a_sentence_instead_of_a_package_fetch()
    {
        var importer = new ModelImporter((_, _) => throw new InvalidOperationException("no package may be fetched"));

        var error = await Assert.ThrowsAsync<ModelImportException>(
            () => importer.ImportAsync([ModelCatalog.Find("text-x2")!], _ => Path.GetTempPath(), CancellationToken.None));

        Assert.Contains("trained by this project from models/recipes/text-x2-general6.json", error.Message);
    }
}
