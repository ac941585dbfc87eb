using NetVips;
using Portal.Engine.Tests.Support;
using Portal.Models;
using Portal.Models.Lineup;
using Portal.Models.Restoration;

namespace Portal.Engine.Tests.Models;

/// <summary>One rule set decides what runs: placed cells only, the input's condition picking the network.</summary>
public sealed class LineupChoices : IDisposable
{
    private readonly TempDirectory temp = new();

    // A stand-in real-world placement with a small committed model of the cell's own scale, so the choice is testable without running the real one.
    private static readonly LineupRules WithDegradedCell = new(
        ModelCatalog.Placements.Where(p => (p.Content, p.Scale, p.Level, p.Condition) != (ContentType.Photo, 3, QualityLevel.Balanced, InputCondition.Degraded))
            .Append(new LineupPlacement(ContentType.Photo, 3, QualityLevel.Balanced, InputCondition.Degraded, "esrgan-slim-x3")));

    [Fact]
    public void Photo_x4_balanced_is_refused_naming_what_is_offered()
    {
        var choice = LineupRules.Current.Choose(ContentType.Photo, 4, QualityLevel.Balanced, InputCondition.Clean);

        Assert.False(choice.Offered);
        Assert.Equal("Photo x4 Balanced is not offered. For photos at x4 the lineup offers Ultra and Detail; Balanced is offered at x2 and x3.", choice.Refusal);
    }

    [Fact]
    public void The_engine_refuses_it_with_the_same_sentence_instead_of_resampling_another_scale()
    {
        using var upscaler = new ImageUpscaler(new EngineOptions { ModelsDirectory = RepoPaths.Models });
        var request = new UpscaleRequest { Content = ContentType.Photo, Quality = QualityLevel.Balanced, Scale = 4 };

        var error = Assert.Throws<UpscaleException>(() => upscaler.Plan(FixturePath.Of("photo.png"), request));

        Assert.Equal(UpscaleErrorCode.InvalidRequest, error.Code);
        Assert.Equal(LineupRules.Current.Refusal(ContentType.Photo, 4, QualityLevel.Balanced), error.Message);
    }

    [Theory]
    [InlineData(ContentType.Art, 3, QualityLevel.Balanced, "Art x3 Balanced is not offered. For art and anime at x3 the lineup offers Fast; Balanced is offered at x2.")]
    [InlineData(ContentType.Photo, 2, QualityLevel.Fast, "Photo x2 Fast is not offered. For photos at x2 the lineup offers Balanced; Fast is not offered for photos at any scale.")]
    [InlineData(ContentType.Text, 3, QualityLevel.Fast, "Text x3 Fast is not offered. The lineup offers nothing for text and screenshots at x3; Fast is offered at x2 and x4.")]
    [InlineData(ContentType.Text, 2, QualityLevel.Ultra, "Text x2 Ultra is not offered. For text and screenshots at x2 the lineup offers Fast; Ultra is not offered for text and screenshots at any scale.")]
    public void Every_refusal_names_the_offered_levels_and_scales(ContentType content, int scale, QualityLevel level, string sentence)
    {
        Assert.Equal(sentence, LineupRules.Current.Choose(content, scale, level, InputCondition.Degraded).Refusal);
    }

    [Fact]
    public void Every_cell_of_the_lineup_is_served_at_its_scale_or_by_downscaling_a_larger_native_one()
    {
        var manifest = ModelManifest.Load(Path.Combine(RepoPaths.Models, "manifest.json"));
        foreach (var placement in LineupRules.Current.Placements)
        {
            var definition = ModelCatalog.Find(placement.ModelId);
            Assert.True(definition is not null, $"{placement.ModelId} is placed but not in the catalog.");
            Assert.True(definition.Scale >= placement.Scale, $"{placement.ModelId} (x{definition.Scale}) cannot serve x{placement.Scale} by downscaling.");
            Assert.NotNull(manifest.FindById(placement.ModelId));
        }
    }

    [Fact]
    public void The_manifest_lists_the_clean_cells_as_each_models_offers()
    {
        var manifest = ModelManifest.Load(Path.Combine(RepoPaths.Models, "manifest.json"));
        var fromManifest = manifest.Offered().Select(o => (o.Offer.ContentType, o.Model.Scale, o.Offer.QualityLevel, o.Model.Id)).Order().ToList();
        var fromLineup = LineupRules.Current.Placements.Where(p => p.Condition == InputCondition.Clean && ModelCatalog.Find(p.ModelId)!.Scale == p.Scale)
            .Select(p => (p.Content, p.Scale, p.Level, p.ModelId)).Order().ToList();

        Assert.Equal(fromLineup, fromManifest);
    }

    [Fact]
    public void A_degraded_input_gets_the_real_world_model_where_one_is_placed_else_the_clean_one()
    {
        Assert.Equal("esrgan-slim-x3", WithDegradedCell.Choose(ContentType.Photo, 3, QualityLevel.Balanced, InputCondition.Degraded).ModelId);
        Assert.Equal("esrgan-medium-x3", WithDegradedCell.Choose(ContentType.Photo, 3, QualityLevel.Balanced, InputCondition.Clean).ModelId);
        var fallback = WithDegradedCell.Choose(ContentType.Photo, 8, QualityLevel.Ultra, InputCondition.Degraded);
        Assert.Equal(("esrgan-thick-x8", InputCondition.Clean), (fallback.ModelId, fallback.Condition));
    }

    [Theory]
    [InlineData(QualityLevel.Ultra, "esrgan-thick-x4")]
    [InlineData(QualityLevel.Detail, "esrgan-legacy-gans-x4")]
    public void Compressed_or_noisy_photos_at_x4_get_realesrgan_x4plus_and_clean_ones_keep_their_model(QualityLevel level, string cleanModel)
    {
        var degraded = LineupRules.Current.Choose(ContentType.Photo, 4, level, InputCondition.Degraded);
        var clean = LineupRules.Current.Choose(ContentType.Photo, 4, level, InputCondition.Clean);

        Assert.Equal(("realesrgan-x4plus-x4", InputCondition.Degraded), (degraded.ModelId, degraded.Condition));
        Assert.Equal(cleanModel, clean.ModelId);
        // x8 has no real-world model (none of native scale 8 or more; the engine only ever downscales): the clean one serves every input.
        var x8 = LineupRules.Current.Choose(ContentType.Photo, 8, QualityLevel.Ultra, InputCondition.Degraded);
        Assert.Equal(("esrgan-thick-x8", InputCondition.Clean), (x8.ModelId, x8.Condition));
    }

    [Theory]
    [InlineData(ContentType.Photo, 4, QualityLevel.Ultra, "photo-x4")]
    [InlineData(ContentType.Photo, 4, QualityLevel.Detail, "photo-x4")]
    [InlineData(ContentType.Photo, 3, QualityLevel.Ultra, "realesrgan-x4fast-x4")]
    [InlineData(ContentType.Art, 4, QualityLevel.Detail, "realesrgan-x4fast-x4")]
    public void The_x4plus_restoration_mixes_in_photo_x4_for_photos_at_x4_and_x4fast_where_photo_x4_was_not_measured_better(
        ContentType content, int scale, QualityLevel level, string partner)
    {
        var degraded = LineupRules.Current.Choose(content, scale, level, InputCondition.Degraded);

        Assert.Equal("realesrgan-x4plus-x4", degraded.ModelId);
        Assert.Equal(partner, degraded.Restoration?.PartnerModelId);
        // The partner differs, the deblocking and the shares by JPEG quality do not.
        Assert.Equal(RealWorldRestoration.X4PlusWithX4Fast.PrimaryShareFor(60), degraded.Restoration!.PrimaryShareFor(60));
        Assert.Equal(RealWorldRestoration.X4PlusWithX4Fast.DeblockStrengthFor(45), degraded.Restoration.DeblockStrengthFor(45));
    }

    [Fact]
    public void Photo_x4_has_no_cell_of_its_own_because_photo_x4_has_no_balanced_or_fast_clean_cell()
    {
        Assert.DoesNotContain(LineupRules.Current.Placements, p => p.ModelId == "photo-x4");
        Assert.False(LineupRules.Current.Offers(ContentType.Photo, 4, QualityLevel.Balanced));
        Assert.False(LineupRules.Current.Offers(ContentType.Photo, 4, QualityLevel.Fast));
    }

    [Theory]
    [InlineData(3, QualityLevel.Balanced, "realesrgan-x4fast-x4", false, "esrgan-medium-x3")]
    [InlineData(3, QualityLevel.Ultra, "realesrgan-x4plus-x4", true, "esrgan-thick-x3")]
    public void Compressed_or_noisy_photos_at_x3_get_a_real_world_x4_model_shrunk(int scale, QualityLevel level, string degradedModel, bool restored, string cleanModel)
    {
        var degraded = LineupRules.Current.Choose(ContentType.Photo, scale, level, InputCondition.Degraded);
        var clean = LineupRules.Current.Choose(ContentType.Photo, scale, level, InputCondition.Clean);

        Assert.Equal((degradedModel, InputCondition.Degraded), (degraded.ModelId, degraded.Condition));
        Assert.Equal(restored, degraded.Restoration is not null);
        Assert.Equal(cleanModel, clean.ModelId);
        // Art keeps its clean models for every input except at x4 Detail, where gans sharpens the grid as on photos.
        Assert.Equal(InputCondition.Clean, LineupRules.Current.Choose(ContentType.Art, 4, QualityLevel.Fast, InputCondition.Degraded).Condition);
        var artDetail = LineupRules.Current.Choose(ContentType.Art, 4, QualityLevel.Detail, InputCondition.Degraded);
        Assert.Equal(("realesrgan-x4plus-x4", true), (artDetail.ModelId, artDetail.Restoration is not null));
    }

    [Fact]
    public void A_real_world_model_cannot_open_a_cell_the_clean_lineup_does_not_offer()
    {
        var error = Assert.Throws<ArgumentException>(() => new LineupRules(
            ModelCatalog.Placements.Append(new LineupPlacement(ContentType.Photo, 4, QualityLevel.Balanced, InputCondition.Degraded, "esrgan-medium-x4"))));

        Assert.Contains("which the clean lineup does not offer", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Auto_detection_picks_the_real_world_model_for_a_compressed_jpeg_and_the_override_wins()
    {
        using var upscaler = new ImageUpscaler(new EngineOptions { ModelsDirectory = RepoPaths.Models, Lineup = WithDegradedCell });
        var jpeg = temp.File("q60.jpg");
        using (var image = Image.NewFromFile(Path.Combine(RepoPaths.Models, "evaluation", "photos", "chelsea.png")))
        {
            image.Jpegsave(jpeg, q: 60);
        }

        var request = new UpscaleRequest { Content = ContentType.Photo, Quality = QualityLevel.Balanced, Scale = 3 };
        var auto = upscaler.Plan(jpeg, request);
        var asClean = upscaler.Plan(jpeg, request with { Condition = InputCondition.Clean });
        var asDegraded = upscaler.Plan(Path.Combine(RepoPaths.Models, "evaluation", "photos", "rocket.png"), request with { Condition = InputCondition.Degraded });

        Assert.Equal(("esrgan-slim-x3", InputCondition.Degraded), (auto.Model.Id, auto.Condition));
        Assert.StartsWith("Input: detected degraded (compressed): JPEG quality about 6", auto.DescribeCondition(), StringComparison.Ordinal);
        Assert.Equal(("esrgan-medium-x3", InputCondition.Clean), (asClean.Model.Id, asClean.Condition));
        Assert.Equal(InputCondition.Degraded, asClean.Detected!.Condition);
        Assert.StartsWith("Input: treated as clean as asked (detected degraded", asClean.DescribeCondition(), StringComparison.Ordinal);
        Assert.Equal(("esrgan-slim-x3", InputCondition.Clean), (asDegraded.Model.Id, asDegraded.Detected!.Condition));
        Assert.Contains("real-world model for compressed or noisy inputs", asDegraded.Describe(), StringComparison.Ordinal);
    }

    public void Dispose() => temp.Dispose();
}
