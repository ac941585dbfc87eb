using Portal.Engine.Imaging;
using Portal.Engine.Inference;
using Portal.Engine.Tests.Degradation;
using Portal.Engine.Tests.Support;
using Portal.Models;
using Portal.Models.Evaluation;
using Portal.Models.Evaluation.Metrics;

namespace Portal.Engine.Tests.Restoration;

/// <summary>
/// The engine's own path for photo x4 Ultra: a compressed upload is deblocked by its JPEG quality and served by
/// x4plus mixed with photo-x4 (x4fast fine-tuned here) where the recipe says so; a clean upload, or one without JPEG tables, is left as it is.
/// </summary>
public sealed class CompressedUploadsAreRestoredFirst : IDisposable
{
    private static readonly UpscaleRequest Ultra = new() { Content = ContentType.Photo, Quality = QualityLevel.Ultra, Scale = 4, Format = OutputFormat.Png };

    private readonly TempDirectory temp = new();
    private readonly ImageUpscaler upscaler = new(new EngineOptions { ModelsDirectory = RepoPaths.Models, UseGpu = false });

    [Fact]
    public void A_quality_60_jpeg_is_deblocked_at_4_and_mixed_60_40_with_photo_x4()
    {
        var plan = upscaler.Plan(Jpeg(60), Ultra);

        Assert.Equal("realesrgan-x4plus-x4", plan.Model.Id);
        var restoration = Assert.IsType<RestorationPlan>(plan.Restoration);
        Assert.InRange(restoration.JpegQuality!.Value, 59, 61);
        Assert.InRange(restoration.DeblockStrength, 3.9, 4.0);
        Assert.Equal("photo-x4", restoration.Partner?.Id);
        Assert.InRange(restoration.PrimaryShare, 0.6, 0.62);
        Assert.Contains("mixed 60/40 with photo-x4", plan.Describe(), StringComparison.Ordinal);
    }

    [Fact]
    public void Detail_gets_the_same_recipe_for_a_compressed_jpeg_and_keeps_gans_for_a_clean_png()
    {
        var detail = Ultra with { Quality = QualityLevel.Detail };

        var compressed = upscaler.Plan(Jpeg(60), detail);
        var clean = upscaler.Plan(Path.Combine(RepoPaths.Models, "evaluation", "photos", "rocket.png"), detail);

        Assert.Equal("realesrgan-x4plus-x4", compressed.Model.Id);
        var restoration = Assert.IsType<RestorationPlan>(compressed.Restoration);
        Assert.InRange(restoration.DeblockStrength, 3.9, 4.0);
        Assert.Equal("photo-x4", restoration.Partner?.Id);
        Assert.Equal(("esrgan-legacy-gans-x4", InputCondition.Clean), (clean.Model.Id, clean.Condition));
        Assert.Null(clean.Restoration);
    }

    [Fact]
    public void A_job_pinned_to_its_cells_model_gets_the_cells_restoration_and_a_model_named_by_hand_runs_alone()
    {
        // The worker runs the model chosen at submit, with the condition it was chosen for.
        var jpeg = Jpeg(60);
        var pinned = upscaler.Plan(jpeg, Ultra with { ModelId = "realesrgan-x4plus-x4", Condition = InputCondition.Degraded });
        var byHand = upscaler.Plan(jpeg, Ultra with { ModelId = "realesrgan-x4plus-x4" });
        var otherModel = upscaler.Plan(jpeg, Ultra with { ModelId = "realesrgan-x4fast-x4", Condition = InputCondition.Degraded });

        var restoration = Assert.IsType<RestorationPlan>(pinned.Restoration);
        Assert.InRange(restoration.DeblockStrength, 3.9, 4.0);
        Assert.Equal("photo-x4", restoration.Partner?.Id);
        Assert.Null(byHand.Restoration);
        Assert.Null(otherModel.Restoration);
    }

    [Fact]
    public void A_quality_30_jpeg_is_deblocked_lightly_and_runs_x4plus_alone()
    {
        var plan = upscaler.Plan(Jpeg(30), Ultra);

        Assert.Equal("realesrgan-x4plus-x4", plan.Model.Id);
        var restoration = Assert.IsType<RestorationPlan>(plan.Restoration);
        Assert.InRange(restoration.DeblockStrength, 1.0, 1.2);
        Assert.Null(restoration.Partner);
    }

    [Fact]
    public void A_quality_90_jpeg_counts_as_compressed_and_runs_x4plus_alone_while_92_stays_clean()
    {
        var at90 = upscaler.Plan(Jpeg(90), Ultra);
        var at92 = upscaler.Plan(Jpeg(92), Ultra);

        Assert.Equal(("realesrgan-x4plus-x4", InputCondition.Degraded), (at90.Model.Id, at90.Condition));
        Assert.Null(at90.Restoration);
        Assert.Equal(("esrgan-thick-x4", InputCondition.Clean), (at92.Model.Id, at92.Condition));
    }

    [Fact]
    public void A_clean_png_and_a_png_called_degraded_are_not_restored()
    {
        var png = Path.Combine(RepoPaths.Models, "evaluation", "photos", "rocket.png");

        var clean = upscaler.Plan(png, Ultra);
        var degraded = upscaler.Plan(png, Ultra with { Condition = InputCondition.Degraded });

        Assert.Equal("esrgan-thick-x4", clean.Model.Id);
        Assert.Null(clean.Restoration);
        Assert.Equal("realesrgan-x4plus-x4", degraded.Model.Id);
        Assert.Null(degraded.Restoration);
    }

    [Fact]
    public void A_high_quality_jpeg_forced_to_degraded_is_not_restored()
    {
        var plan = upscaler.Plan(Jpeg(95), Ultra with { Condition = InputCondition.Degraded });

        Assert.Equal("realesrgan-x4plus-x4", plan.Model.Id);
        Assert.Null(plan.Restoration);
    }

    [Fact]
    public void The_network_sees_the_deblocked_picture_and_the_result_loses_the_grid()
    {
        var jpeg = Jpeg(60);
        var plan = upscaler.Plan(jpeg, Ultra);
        Assert.NotNull(plan.Restoration);

        var restored = Upscale(plan, jpeg, "restored.png");
        var asDecoded = Upscale(plan with { Restoration = null }, jpeg, "as-decoded.png");

        var before = JpegBlockiness.Measure(asDecoded, 4);
        var after = JpegBlockiness.Measure(restored, 4);
        Assert.True(before > 1.1, $"a nearest-neighbour enlargement of a q60 JPEG should keep its grid: {before:F3}");
        Assert.True(after < before - 0.05, $"deblocking in the engine took blockiness only from {before:F3} to {after:F3}");
    }

    [Fact]
    public void Rows_and_columns_away_from_the_grid_lines_are_untouched()
    {
        var jpeg = Jpeg(60);
        var plan = upscaler.Plan(jpeg, Ultra);

        var restored = Upscale(plan, jpeg, "restored.png").Quantized().Planes;
        var asDecoded = Upscale(plan with { Restoration = null }, jpeg, "as-decoded.png").Quantized().Planes;

        // Input columns 3 and 4 of each 8-pixel block are at least three pixels from every boundary: output columns 12-19.
        var width = 128 * 4;
        var changedOff = 0;
        var changedOn = 0;
        for (var i = 0; i < restored.Length; i++)
        {
            var x = i % width;
            var y = (i / width) % (96 * 4);
            var offGrid = (x % 32) is >= 12 and < 20 && (y % 32) is >= 12 and < 20;
            if (restored[i] != asDecoded[i])
            {
                if (offGrid)
                {
                    changedOff++;
                }
                else
                {
                    changedOn++;
                }
            }
        }

        Assert.Equal(0, changedOff);
        Assert.True(changedOn > 1000, $"only {changedOn} samples near the grid changed");
    }

    [Fact]
    public void The_mix_is_the_shares_of_both_networks_outputs()
    {
        var mixed = new MixedTileModel(new ConstantModel(4, 0.8f), new ConstantModel(4, 0.2f), 0.75);
        var output = new float[3 * 16 * 16];

        mixed.Run(new float[3 * 4 * 4], 4, 4, output, CancellationToken.None);

        Assert.All(output, v => Assert.Equal(0.65f, v, 5));
        Assert.Throws<ArgumentException>(() => new MixedTileModel(new ConstantModel(4, 0), new ConstantModel(2, 0), 0.5));
        Assert.Throws<ArgumentOutOfRangeException>(() => new MixedTileModel(new ConstantModel(4, 0), new ConstantModel(4, 0), 1.5));
    }

    private RgbImage Upscale(UpscalePlan plan, string input, string name)
    {
        var output = temp.File(name);
        upscaler.Run(plan, new BlurNearestModel(4, 0), ExecutionDevice.Cpu, input, output, Ultra, null, CancellationToken.None);
        return RgbImage.Load(output);
    }

    private string Jpeg(int quality)
    {
        var path = temp.File($"coffee-q{quality}.jpg");
        using var image = TestPhotos.Crop(TestPhotos.Load("coffee.png"), 128, 96).ToVips();
        image.Jpegsave(path, q: quality);
        return path;
    }

    public void Dispose()
    {
        upscaler.Dispose();
        temp.Dispose();
    }

    private sealed class ConstantModel(int scale, float value) : ITileModel
    {
        public int Scale { get; } = scale;

        public void Run(ReadOnlyMemory<float> input, int width, int height, Memory<float> output, CancellationToken cancellationToken) =>
            output.Span.Fill(value);
    }
}
