using NetVips;
using Portal.Engine.Imaging.Condition;
using Portal.Engine.Tests.Support;
using Portal.Models.Evaluation;
using Portal.Models.Evaluation.Metrics;

namespace Portal.Engine.Tests.Evaluation;

/// <summary>
/// The report's "as served" rows hand the engine the track's input as the file a person would upload: the final
/// JPEG's own bytes, which decode to exactly the pixels the networks' rows get and whose tables tell the engine
/// the track's quality, so the engine's restoration is measured as it runs.
/// </summary>
public sealed class ServedRowsGetTheUploadedFile
{
    private static readonly EvaluationImage Coffee = new("coffee.png", Degradation.TestPhotos.Crop("coffee.png", 128));

    [Theory]
    [InlineData(EvaluationTrack.Light, 90)]
    [InlineData(EvaluationTrack.Medium, 60)]
    [InlineData(EvaluationTrack.Heavy, 30)]
    public void A_real_world_track_gives_its_final_jpeg(EvaluationTrack track, int quality)
    {
        using var temp = new TempDirectory();
        var file = track.MakeInputFile(Coffee, 4);

        Assert.NotNull(file.Jpeg);
        using var decoded = Image.NewFromBuffer(file.Jpeg);
        Assert.Equal(track.MakeInput(Coffee, 4).ToBytes(), RgbImage.FromVips(decoded).ToBytes());
        Assert.Equal(file.Image.ToBytes(), RgbImage.FromVips(decoded).ToBytes());
        File.WriteAllBytes(temp.File("input.jpg"), file.Jpeg);
        Assert.InRange(JpegQuantization.EstimateQuality(JpegQuantization.ReadTables(temp.File("input.jpg")))!.Value, quality - 1, quality + 1);
    }

    [Fact]
    public void The_clean_track_has_no_jpeg()
    {
        var file = EvaluationTrack.Clean.MakeInputFile(Coffee, 4);

        Assert.Null(file.Jpeg);
        Assert.Equal(EvaluationTrack.Clean.MakeInput(Coffee, 4).ToBytes(), file.Image.ToBytes());
    }

    [Fact]
    public void A_pipeline_row_is_measured_beside_the_resamplers_and_must_return_the_originals_size()
    {
        var metrics = MetricCatalog.Classical();
        var images = new[] { Coffee };
        var evaluator = new TrackEvaluator(metrics)
        {
            Pipelines = [("nearest", (original, track) => Nearest(track.MakeInputFile(original, 4).Image, 4))],
        };

        var rows = evaluator.Evaluate(images, 4, [EvaluationTrack.Medium], [], CancellationToken.None);

        var row = Assert.Single(rows, r => r.Method == "nearest");
        Assert.Equal(EvaluationTrack.Medium, row.Track);
        Assert.True(row.Means["psnr-y"] > 15);
        var wrong = new TrackEvaluator(metrics) { Pipelines = [("half", (original, track) => track.MakeInput(original, 4))] };
        Assert.Throws<InvalidOperationException>(() => wrong.Evaluate(images, 4, [EvaluationTrack.Medium], [], CancellationToken.None));
    }

    private static RgbImage Nearest(RgbImage image, int scale)
    {
        int w = image.Width * scale, h = image.Height * scale;
        var planes = new float[3 * w * h];
        for (var c = 0; c < 3; c++)
        {
            for (var y = 0; y < h; y++)
            {
                for (var x = 0; x < w; x++)
                {
                    planes[(c * w * h) + (y * w) + x] = image.Planes[(c * image.Width * image.Height) + ((y / scale) * image.Width) + (x / scale)];
                }
            }
        }
        return new RgbImage(w, h, planes);
    }
}
