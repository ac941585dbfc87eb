using Portal.Engine.Tests.Support;
using Portal.Models.Evaluation;
using Portal.Models.Evaluation.Metrics;

namespace Portal.Engine.Tests.Evaluation;

/// <summary>The real-world track: deterministic, every metric, a bad image skipped, an honest verdict.</summary>
public sealed class RealWorldTrack
{
    [Fact]
    public void An_image_that_cannot_be_decoded_is_skipped_with_a_message()
    {
        using var folder = new TempDirectory();
        File.Copy(Path.Combine(RepoPaths.Models, "evaluation", "photos", "coffee.png"), folder.File("a-good.png"));
        var bytes = File.ReadAllBytes(folder.File("a-good.png"));
        File.WriteAllBytes(folder.File("b-truncated.png"), bytes[..(bytes.Length / 3)]);
        File.WriteAllText(folder.File("c-not-an-image.jpg"), "hello");
        var messages = new List<string>();

        var images = EvaluationImage.LoadFolder(folder.Path, messages.Add);

        Assert.Equal(["a-good.png"], images.Select(i => i.Name));
        Assert.Equal(2, messages.Count);
        Assert.Contains(messages, m => m.StartsWith("Skipping b-truncated.png: it cannot be decoded", StringComparison.Ordinal));
        Assert.Contains(messages, m => m.StartsWith("Skipping c-not-an-image.jpg: it cannot be decoded", StringComparison.Ordinal));
    }

    [Fact]
    public void Two_runs_give_the_same_scores_and_damaged_tracks_score_worse()
    {
        var images = new[] { "coffee.png", "wood.png" }
            .Select(name => new EvaluationImage(name, Degradation.TestPhotos.Crop(name, 128)))
            .ToList();
        var tracks = Enum.GetValues<EvaluationTrack>();
        var metrics = MetricCatalog.Classical();
        metrics.Add(new Gmsd());

        var first = new TrackEvaluator(metrics).Evaluate(images, 4, tracks, [], CancellationToken.None);
        var second = new TrackEvaluator(metrics).Evaluate(images, 4, tracks, [], CancellationToken.None);

        Assert.Equal(first.Count, second.Count);
        for (var i = 0; i < first.Count; i++)
        {
            Assert.Equal(first[i].Means, second[i].Means);
        }
        double Psnr(EvaluationTrack track) => first.Single(r => r.Track == track && r.Method == ModelEvaluator.Lanczos3).Means["psnr-y"];
        Assert.True(Psnr(EvaluationTrack.Clean) > Psnr(EvaluationTrack.Light));
        Assert.True(Psnr(EvaluationTrack.Light) > Psnr(EvaluationTrack.Heavy));
        var original = first.First(r => r.Method == TrackEvaluator.Original);
        Assert.False(original.Means.ContainsKey("psnr-y"));
        Assert.True(original.Means.ContainsKey("blockiness"));
    }

    [Fact]
    public void Several_draws_give_each_copy_its_own_degradation_and_the_first_draw_is_the_usual_one()
    {
        var image = new EvaluationImage("coffee.png", Degradation.TestPhotos.Crop("coffee.png", 128));

        var drawn = EvaluationImage.WithDraws([image], 3);

        Assert.Equal(["coffee.png", "coffee~1.png", "coffee~2.png"], drawn.Select(i => i.Name));
        Assert.All(drawn, d => Assert.Same(image.Image, d.Image));
        var inputs = drawn.Select(d => EvaluationTrack.Medium.MakeInput(d, 4)).ToList();
        Assert.Equal(EvaluationTrack.Medium.MakeInput(image, 4).Planes, inputs[0].Planes);
        Assert.NotEqual(inputs[0].Planes, inputs[1].Planes);
        Assert.NotEqual(inputs[1].Planes, inputs[2].Planes);
        Assert.Equal([image], EvaluationImage.WithDraws([image], 1));
        Assert.Throws<ArgumentOutOfRangeException>(() => EvaluationImage.WithDraws([image], 0));
    }

    [Fact]
    public void Picture_strips_hold_every_method_side_by_side()
    {
        using var folder = new TempDirectory();
        var images = new[] { new EvaluationImage("coffee.png", Degradation.TestPhotos.Crop("coffee.png", 128)) };
        var sheet = new CropSheet([new CropSpec("cup", "coffee.png", 32, 32, 64)], 4);
        new TrackEvaluator([new PsnrY()]) { OnOutput = sheet.Add }
            .Evaluate(images, 4, [EvaluationTrack.Clean, EvaluationTrack.Heavy], [], CancellationToken.None);

        var written = sheet.Save(folder.Path);

        Assert.Equal(["x4-clean-cup.png", "x4-heavy-cup.png"], written.Select(w => w.File));
        Assert.Equal(["original", "input", ModelEvaluator.Bicubic, ModelEvaluator.Lanczos3], written[0].Columns);
        var strip = RgbImage.Load(folder.File("x4-heavy-cup.png"));
        Assert.Equal((4 * 64 + 3 * 4, 64), (strip.Width, strip.Height));
    }

    [Fact]
    public void The_verdict_names_each_part_of_the_bar_that_is_missed()
    {
        static MethodScores Scores(string method, double blockiness, double brisque, double ssim) => new(
            method, 4, EvaluationTrack.Medium,
            new Dictionary<string, double> { ["blockiness"] = blockiness, ["brisque"] = brisque, ["ssim-y"] = ssim },
            new Dictionary<string, IReadOnlyList<double?>>(), null);
        var original = Scores(TrackEvaluator.Original, 1.0, 20, double.NaN);
        var lanczos = Scores(ModelEvaluator.Lanczos3, 1.3, 60, 0.70);

        Assert.Equal("yes", MeasurementReport.Verdict(Scores("good", 1.05, 25, 0.69), original, lanczos));
        Assert.Equal("no: grid, BRISQUE, SSIM", MeasurementReport.Verdict(Scores("bad", 1.2, 35, 0.6), original, lanczos));
    }

    [Fact]
    public void A_crop_is_written_label_image_position_size()
    {
        Assert.Equal(new CropSpec("face", "portrait.png", 80, 40, 96), CropSpec.Parse("face:portrait.png:80,40,96"));
        Assert.Contains("label:image.png:left,top,size", Assert.Throws<FormatException>(() => CropSpec.Parse("face:80,40")).Message);
    }
}
