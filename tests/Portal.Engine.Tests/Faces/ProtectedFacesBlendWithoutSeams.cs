using Portal.Engine.Faces;
using Portal.Engine.Imaging;
using Portal.Engine.Tests.Support;
using Portal.Models;
using Xunit.Abstractions;

namespace Portal.Engine.Tests.Faces;

/// <summary>
/// The face pass end to end on the engine's tiled path (real detector, stand-in networks): inside the
/// mask core the result is exactly the faithful network's, outside every region exactly the GAN's, and
/// across the feathered edge the picture changes no faster than inside either part. Small tiles make
/// the face span several tiles and bands, so the blend is checked across tile borders.
/// </summary>
public sealed class ProtectedFacesBlendWithoutSeams(ITestOutputHelper output) : IDisposable
{
    private const int Scale = 4;
    private readonly TempDirectory temp = new();
    private readonly FaceDetector detector = new(RepoPaths.Models, new FaceDetectorOptions { MinFaceSize = 1 });

    [Theory]
    [InlineData(32)] // the face spans about five tiles a side
    [InlineData(512)] // the whole crop is one tile
    public void The_face_is_the_faithful_result_and_the_rest_the_gan_result(int tile)
    {
        var input = FaceTestImages.Crop(temp, "astronaut.png", 40, 20, 240, 200, "portrait.png");
        var request = new UpscaleRequest { Scale = Scale, TileSize = tile, Overlap = 2, Format = OutputFormat.Png };
        var faithful = new BlurNearestModel(Scale, 1);
        var (protectedPixels, width, height, result) = FaceTestImages.Upscale(temp, input, new BrightTextureModel(Scale), request, FaceTestImages.Safety(detector, faithful));
        var gan = FaceTestImages.Upscale(temp, input, new BrightTextureModel(Scale), request with { Faces = FaceProtection.Off }, null).Pixels;
        var reference = FaceTestImages.Upscale(temp, input, faithful, request, null).Pixels;

        var report = result.Faces!;
        output.WriteLine(report.Describe() + " Regions: " + string.Join(", ", report.Regions.Select(r => r.Area)));
        Assert.True(report.Applied);
        Assert.Equal(1, report.Faces);
        var region = Assert.Single(report.Regions).Area;
        Assert.True(region.Width > 2 * tile || tile > 200, $"the region {region} should span several {tile} px tiles");

        using var source = FaceTestImages.Decode(input);
        var mask = new FeatheredMask(new(region.X * Scale, region.Y * Scale, region.Width * Scale, region.Height * Scale), width, height, 0.15f * Math.Min(region.Width, region.Height) * Scale);
        int core = 0, outside = 0;
        for (var y = 0; y < height; y++)
        {
            for (var x = 0; x < width; x++)
            {
                var inRegion = x >= mask.Area.X && x < mask.Area.X + mask.Area.Width && y >= mask.Area.Y && y < mask.Area.Y + mask.Area.Height;
                var weight = inRegion ? mask.At(x - mask.Area.X, y - mask.Area.Y) : 0f;
                var i = ((y * width) + x) * 3;
                if (weight == 1f)
                {
                    core++;
                    Assert.True(protectedPixels.AsSpan(i, 3).SequenceEqual(reference.AsSpan(i, 3)), $"core pixel ({x}, {y}) differs from the faithful result");
                }
                else if (weight == 0f)
                {
                    outside++;
                    Assert.True(protectedPixels.AsSpan(i, 3).SequenceEqual(gan.AsSpan(i, 3)), $"outside pixel ({x}, {y}) differs from the GAN result");
                }
            }
        }

        output.WriteLine($"{core} core pixels equal the faithful result, {outside} outside equal the GAN result");
        Assert.True(core > 0.25 * mask.Area.Width * mask.Area.Height, $"core {core} pixels");
    }

    [Fact]
    public void The_feathered_edge_changes_no_faster_than_either_result_while_a_hard_edge_would()
    {
        var input = FaceTestImages.Crop(temp, "astronaut.png", 40, 20, 240, 200, "portrait.png");
        var request = new UpscaleRequest { Scale = Scale, TileSize = 48, Overlap = 2, Format = OutputFormat.Png };
        var faithful = new BlurNearestModel(Scale, 1);
        var gan = FaceTestImages.Upscale(temp, input, new BrightTextureModel(Scale), request with { Faces = FaceProtection.Off }, null).Pixels;
        var reference = FaceTestImages.Upscale(temp, input, faithful, request, null).Pixels;

        var feathered = Seam(input, request, faithful, new EngineOptions { ModelsDirectory = RepoPaths.Models, UseGpu = false }, gan, reference);
        var hard = Seam(input, request, faithful, new EngineOptions { ModelsDirectory = RepoPaths.Models, UseGpu = false, Faces = new FaceProtectionOptions { Feather = 0.0001f } }, gan, reference);
        output.WriteLine($"feathered: largest step {feathered.Blend:F2} levels/px where GAN and faithful step at most {feathered.Sources:F2}");
        output.WriteLine($"hard edge: largest step {hard.Blend:F2} levels/px where GAN and faithful step at most {hard.Sources:F2}");

        // The stand-ins differ by 30 grey levels; a smoothstep over the ramp's F pixels changes by at most
        // 1.5 x 30 / F per pixel (well under one level here), which no eye sees as an edge.
        Assert.True(feathered.Blend <= feathered.Sources + 1.0, "the feathered edge shows as a seam");
        // The measure can fail: the same blend with a one-pixel edge is a visible step.
        Assert.True(hard.Blend > hard.Sources + 3, "a hard edge should measure as a seam");
    }

    /// <summary>
    /// Across the region's bottom edge (away from the image border), row by row through the ramp: the
    /// row-mean vertical step of the blend, against the larger of the GAN's and the faithful result's at
    /// the same rows (so the picture's own edges count on both sides). Returns the worst row.
    /// </summary>
    private (double Blend, double Sources) Seam(string input, UpscaleRequest request, BlurNearestModel faithful, EngineOptions options, byte[] gan, byte[] reference)
    {
        var (pixels, width, height, result) = FaceTestImages.Upscale(temp, input, new BrightTextureModel(Scale), request, FaceTestImages.Safety(detector, faithful), options);
        var region = Assert.Single(result.Faces!.Regions).Area;
        int left = region.X * Scale, right = (region.X + region.Width) * Scale, bottom = (region.Y + region.Height) * Scale;
        Assert.True(bottom < height - 8, "the test needs the region's bottom edge inside the image");
        var feather = (int)Math.Ceiling(0.15f * Math.Min(region.Width, region.Height) * Scale);

        // Row-mean |step over two rows| / 2 across the region's core columns (the checker's +-5 levels cancel over two rows).
        double Step(byte[] image, int y)
        {
            double sum = 0;
            for (var x = left + feather; x < right - feather; x++)
            {
                for (var c = 0; c < 3; c++)
                {
                    sum += Math.Abs(image[((((y + 2) * width) + x) * 3) + c] - image[(((y * width) + x) * 3) + c]) / 2.0;
                }
            }

            return sum / (3 * (right - left - (2 * feather)));
        }

        var worst = (Blend: 0.0, Sources: 0.0);
        for (var y = bottom - feather - 2; y < Math.Min(height - 2, bottom + 2); y++)
        {
            var blend = Step(pixels, y);
            var sources = Math.Max(Step(gan, y), Step(reference, y));
            if (blend - sources > worst.Blend - worst.Sources)
            {
                worst = (blend, sources);
            }
        }

        return worst;
    }

    public void Dispose()
    {
        detector.Dispose();
        temp.Dispose();
    }
}
