using Microsoft.Extensions.Logging;
using NetVips;
using Portal.Engine.Faces;
using Portal.Engine.Imaging;
using Portal.Engine.Tests.Support;
using Portal.Models;
using Xunit.Abstractions;

namespace Portal.Engine.Tests.Faces;

/// <summary>
/// The face pass on the inputs that break naive versions: no face, a face cut by the border, a crowd
/// of tiny faces, a face larger than a tile, an image rotated by its EXIF tag, a large image searched
/// on a shrunk copy, and a detector file that is corrupt (protection off with the reason, job done).
/// </summary>
public sealed class FacesInAwkwardPlaces(ITestOutputHelper output) : IDisposable
{
    private const int Scale = 4;
    private readonly TempDirectory temp = new();
    private readonly FaceDetector detector = new(RepoPaths.Models, new FaceDetectorOptions { MinFaceSize = 1 });
    private readonly FaceProtectionOptions options = new();

    [Fact]
    public void Without_a_face_the_result_is_the_gan_result()
    {
        var input = FaceTestImages.Crop(temp, "coffee.png", 100, 60, 160, 120, "coffee.png");
        var request = new UpscaleRequest { Scale = Scale, TileSize = 64, Overlap = 2, Format = OutputFormat.Png };
        var run = FaceTestImages.Upscale(temp, input, new BrightTextureModel(Scale), request, FaceTestImages.Safety(detector, new BlurNearestModel(Scale, 1)));
        var gan = FaceTestImages.Upscale(temp, input, new BrightTextureModel(Scale), request with { Faces = FaceProtection.Off }, null);
        Assert.True(run.Result.Faces!.Applied);
        Assert.Equal(0, run.Result.Faces.Faces);
        Assert.Equal(gan.Pixels, run.Pixels);
        Assert.Contains("none found", run.Result.Faces.Describe(), StringComparison.Ordinal);
        Assert.Contains("turned off", gan.Result.Faces!.Describe(), StringComparison.Ordinal);
    }

    [Fact]
    public void A_face_cut_by_the_border_is_redrawn_up_to_the_border()
    {
        // The portrait's face box spans about x 89-222; starting the crop at 120 cuts off its left quarter.
        var input = FaceTestImages.Crop(temp, "astronaut.png", 120, 0, 230, 230, "cut.png");
        using var source = FaceTestImages.Decode(input);
        var face = Assert.Single(FaceProtectionPass.Find(source, detector, options, CancellationToken.None));
        output.WriteLine($"cut face: box {face.Box}, score {face.Score:F2}");
        Assert.True(face.Box.X < 0, $"the box {face.Box} should reach past the left border");

        var request = new UpscaleRequest { Scale = Scale, TileSize = 64, Overlap = 2, Format = OutputFormat.Png };
        var faithful = new BlurNearestModel(Scale, 1);
        var run = FaceTestImages.Upscale(temp, input, new BrightTextureModel(Scale), request, FaceTestImages.Safety(detector, faithful));
        var reference = FaceTestImages.Upscale(temp, input, faithful, request, null);
        var region = Assert.Single(run.Result.Faces!.Regions).Area;
        Assert.Equal(0, region.X);
        // No ramp on the border side: the border column at the face's height is the faithful result.
        var y = (region.Y + (region.Height / 2)) * Scale;
        var i = y * run.Width * 3;
        Assert.True(run.Pixels.AsSpan(i, 3).SequenceEqual(reference.Pixels.AsSpan(i, 3)));
    }

    [Fact]
    public void A_crowd_of_tiny_faces_is_left_to_the_gan_and_a_crowd_of_small_ones_is_found()
    {
        // 16 x 16 portraits of 24 px: faces of about 7 px, under the 24 px threshold.
        var tiny = FaceTestImages.Crowd(temp, 16, 24, "tiny-crowd.png");
        var request = new UpscaleRequest { Scale = 2, TileSize = 128, Overlap = 2, Format = OutputFormat.Png };
        var run = FaceTestImages.Upscale(temp, tiny, new BrightTextureModel(2), request, FaceTestImages.Safety(detector, new BlurNearestModel(2, 1)));
        var gan = FaceTestImages.Upscale(temp, tiny, new BrightTextureModel(2), request with { Faces = FaceProtection.Off }, null);
        Assert.Equal(0, run.Result.Faces!.Faces);
        Assert.Equal(gan.Pixels, run.Pixels);

        // 3 x 3 portraits of 160 px: faces of about 55 px. The tiny detector finds some of them at its 416 px
        // input (recall in crowds is its limit); every one under a 64 px threshold is then skipped.
        var small = FaceTestImages.Crowd(temp, 3, 160, "crowd.png");
        using var source = FaceTestImages.Decode(small);
        var found = FaceProtectionPass.Find(source, detector, options, CancellationToken.None);
        output.WriteLine($"{found.Count} faces in a 3 x 3 crowd: " + string.Join(", ", found.Select(f => f.Box)));
        var faceSized = found.Count(f => Math.Min(f.Box.Width, f.Box.Height) < 64);
        Assert.True(faceSized >= 4, $"{faceSized} crowd faces found");
        var large = FaceProtectionPass.Find(source, detector, options with { MinFaceSize = 64 }, CancellationToken.None);
        Assert.Equal(found.Count - faceSized, large.Count);
        Assert.All(large, f => Assert.True(Math.Min(f.Box.Width, f.Box.Height) >= 64));
    }

    [Fact]
    public void A_face_larger_than_a_tile_is_one_region_over_many_tiles()
    {
        var input = FaceTestImages.Crop(temp, "astronaut.png", 60, 0, 280, 240, "large.png");
        var request = new UpscaleRequest { Scale = 2, TileSize = 24, Overlap = 2, Format = OutputFormat.Png };
        var faithful = new BlurNearestModel(2, 1);
        var run = FaceTestImages.Upscale(temp, input, new BrightTextureModel(2), request, FaceTestImages.Safety(detector, faithful));
        var reference = FaceTestImages.Upscale(temp, input, faithful, request, null);
        var region = Assert.Single(run.Result.Faces!.Regions).Area;
        Assert.True(region.Width > 4 * 24 && region.Height > 4 * 24, $"region {region}");
        // The centre of the face, several tiles from any region edge, is the faithful result.
        int cx = (region.X + (region.Width / 2)) * 2, cy = (region.Y + (region.Height / 2)) * 2;
        for (var y = cy - 20; y < cy + 20; y++)
        {
            var i = ((y * run.Width) + cx - 20) * 3;
            Assert.True(run.Pixels.AsSpan(i, 120).SequenceEqual(reference.Pixels.AsSpan(i, 120)), $"row {y}");
        }
    }

    [Fact]
    public void Faces_are_found_on_the_upright_image_in_its_own_pixels()
    {
        // Stored turned a quarter left with EXIF orientation 6 ("turn right to view"): the decoder turns it upright.
        var upright = FaceTestImages.Crop(temp, "astronaut.png", 40, 0, 300, 260, "upright.png");
        using (var image = Image.NewFromFile(upright))
        using (var stored = image.Rot270())
        using (var tagged = stored.Mutate(m => m.Set(GValue.GIntType, "orientation", 6)))
        {
            tagged.Jpegsave(temp.File("rotated.jpg"), q: 95);
        }

        using var uprightSource = FaceTestImages.Decode(upright);
        using var rotatedSource = FaceTestImages.Decode(temp.File("rotated.jpg"));
        Assert.Equal((uprightSource.Width, uprightSource.Height), (rotatedSource.Width, rotatedSource.Height));
        var expected = Assert.Single(FaceProtectionPass.Find(uprightSource, detector, options, CancellationToken.None));
        var found = Assert.Single(FaceProtectionPass.Find(rotatedSource, detector, options, CancellationToken.None));
        output.WriteLine($"upright {expected.Box}, from the tagged JPEG {found.Box}");
        Assert.True(found.Box.IntersectionOverUnion(expected.Box) > 0.85f);
        Assert.True(found.Mouth.Y > found.LeftEye.Y, "landmarks in upright coordinates");
    }

    [Fact]
    public void A_large_image_is_searched_on_a_shrunk_copy_and_answered_in_its_own_pixels()
    {
        var input = FaceTestImages.Crop(temp, "astronaut.png", 0, 0, 384, 384, "whole.png");
        using var source = FaceTestImages.Decode(input);
        var full = Assert.Single(FaceProtectionPass.Find(source, detector, options, CancellationToken.None));
        var shrunk = Assert.Single(FaceProtectionPass.Find(source, detector, options with { MaxAnalysisSide = 128 }, CancellationToken.None));
        output.WriteLine($"full {full.Box}, on a third of the size {shrunk.Box}");
        Assert.True(shrunk.Box.IntersectionOverUnion(full.Box) > 0.6f, "a box a few pixels off at a third of the size");
        Assert.True(shrunk.Box.Width > 60, "the box is in the input's pixels, not the shrunk copy's");
    }

    [Fact]
    public void A_small_input_is_searched_without_blowing_it_up_to_the_detector_size()
    {
        // The portrait shrunk 4x (96 px, as an x4 job of it gets): at the full 416 px the face scores 0.34, under the 0.5 threshold.
        using var portrait = Image.NewFromFile(FaceTestImages.Photo("astronaut.png"));
        using var small = portrait.Resize(0.25, kernel: Enums.Kernel.Cubic);
        small.WriteToFile(temp.File("small-portrait.png"));
        using var source = FaceTestImages.Decode(temp.File("small-portrait.png"));
        Assert.Equal(128, FaceProtectionPass.DetectorSideFor(source.ToAnalysisImage(options.MaxAnalysisSide).Image, options));
        var face = Assert.Single(FaceProtectionPass.Find(source, detector, options, CancellationToken.None));
        output.WriteLine($"96 px portrait: {face.Box}, score {face.Score:F2}");
        Assert.InRange(face.Box.Width, 20, 45);
        Assert.Empty(detector.Detect(source.ToAnalysisImage(options.MaxAnalysisSide).Image, 1, 416));
    }

    [Fact]
    public void The_face_pass_is_part_of_the_jobs_progress()
    {
        var input = FaceTestImages.Crop(temp, "astronaut.png", 40, 20, 240, 200, "portrait.png");
        var request = new UpscaleRequest { Scale = Scale, TileSize = 48, Overlap = 2, Format = OutputFormat.Png };
        var reports = new List<UpscaleProgress>();
        var run = FaceTestImages.Upscale(temp, input, new BrightTextureModel(Scale), request, FaceTestImages.Safety(detector, new BlurNearestModel(Scale, 1)),
            progress: new SyncProgress<UpscaleProgress>(reports.Add));
        var upscaling = reports.Where(r => r.Stage == UpscaleStage.Upscaling).ToList();
        var total = upscaling[^1].TilesTotal;
        output.WriteLine($"{run.Result.Tiles} GAN tiles, {total} steps in all, {upscaling.Count} reports");
        Assert.True(total > run.Result.Tiles, "the face tiles count towards the total");
        Assert.All(upscaling.Skip(1), r => Assert.Equal(total, r.TilesTotal));
        Assert.True(upscaling.Zip(upscaling.Skip(1)).All(p => p.Second.TilesDone >= p.First.TilesDone), "progress never goes back");
        Assert.Equal(total, upscaling[^1].TilesDone);
        Assert.Equal(new UpscaleProgress(UpscaleStage.Done, total, total), reports[^1]);
    }

    [Fact]
    public async Task A_corrupt_detector_turns_protection_off_with_the_reason_and_the_job_succeeds()
    {
        var analysis = Directory.CreateDirectory(temp.File("analysis")).FullName;
        foreach (var file in Directory.GetFiles(Path.Combine(RepoPaths.Models, "analysis")))
        {
            File.Copy(file, Path.Combine(analysis, Path.GetFileName(file)));
        }

        await File.WriteAllBytesAsync(Path.Combine(analysis, "face-detector-tiny.onnx"), [0x08, 0x07, 0x12, 0xff, 0x00, 0x42]);
        var input = FaceTestImages.Crop(temp, "astronaut.png", 150, 60, 40, 40, "small.png");
        var log = new ListLogger();
        using var upscaler = new ImageUpscaler(
            new EngineOptions { ModelsDirectory = RepoPaths.Models, UseGpu = false, Faces = new FaceProtectionOptions { DetectorModelsDirectory = temp.Path } },
            log);
        var request = new UpscaleRequest { Content = ContentType.Photo, Quality = QualityLevel.Detail, Scale = 4, Condition = InputCondition.Clean, Format = OutputFormat.Png };
        Assert.True(upscaler.Plan(input, request).FacesApply);
        var result = await upscaler.UpscaleAsync(input, temp.File("out.png"), request);
        output.WriteLine(result.Faces!.Describe());
        Assert.True(File.Exists(result.OutputPath));
        Assert.Equal((160, 160), (result.Width, result.Height));
        Assert.False(result.Faces.Applied);
        Assert.Contains("face detector could not be loaded", result.Faces.Note, StringComparison.Ordinal);
        Assert.Contains(log.Lines, l => l.Level == LogLevel.Warning && l.Text.Contains("could not be loaded", StringComparison.Ordinal));
    }

    public void Dispose()
    {
        detector.Dispose();
        temp.Dispose();
    }

    private sealed class ListLogger : ILogger<ImageUpscaler>
    {
        public List<(LogLevel Level, string Text)> Lines { get; } = [];

        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            lock (Lines)
            {
                Lines.Add((logLevel, formatter(state, exception)));
            }
        }
    }
}
