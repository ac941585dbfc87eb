using Portal.Engine.Tests.Support;
using Portal.Models;
using Portal.Models.Lineup;

namespace Portal.Engine.Tests.Models;

/// <summary>Text and screenshots are the third content type, served by the model this project trained, whose recipe is pinned.</summary>
public sealed class TextContentRunsTheTrainedModel
{
    [Fact]
    public void Text_x2_fast_runs_the_trained_model_for_clean_and_compressed_inputs()
    {
        foreach (var condition in new[] { InputCondition.Clean, InputCondition.Degraded })
        {
            var choice = LineupRules.Current.Choose(ContentType.Text, 2, QualityLevel.Fast, condition);
            Assert.True(choice.Offered, choice.Refusal);
            Assert.Equal("text-x2", choice.ModelId);
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

    [Fact]
    public void The_catalog_pins_the_committed_recipe_by_its_sha512_and_the_manifest_agrees()
    {
        TrainedModelPin.Check("text-x2", ContentType.Text);
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
