using NetVips;
using Portal.Engine.Imaging;
using Portal.Engine.Imaging.Condition;
using Portal.Engine.Tests.Support;
using Portal.Models;
using Portal.Models.Evaluation;

namespace Portal.Engine.Tests.Imaging;

/// <summary>The engine tells a clean upload from a JPEG-compressed or noisy one, from real files it writes itself.</summary>
public sealed class InputConditionDetection : IDisposable
{
    private readonly TempDirectory temp = new();

    private static string CleanPhoto(string name) => Path.Combine(RepoPaths.Models, "evaluation", "photos", name + ".png");

    [Theory]
    [InlineData(30)]
    [InlineData(60)]
    [InlineData(75)]
    [InlineData(85)]
    [InlineData(95)]
    public void A_jpeg_quality_is_estimated_from_its_quantization_tables(int quality)
    {
        var path = SaveJpeg(CleanPhoto("coffee"), quality);

        var estimate = JpegQuantization.EstimateQuality(JpegQuantization.ReadTables(path));

        Assert.NotNull(estimate);
        Assert.InRange(estimate.Value, quality - 5, quality + 5);
    }

    [Fact]
    public void A_quality_60_jpeg_is_detected_as_compressed()
    {
        var path = SaveJpeg(CleanPhoto("chelsea"), 60);

        var report = InputConditionDetector.Detect(path, ImageInspector.ReadHeader(path));

        Assert.Equal(InputCondition.Degraded, report.Condition);
        Assert.True(report.Compressed);
        Assert.InRange(report.JpegQuality!.Value, 55, 65);
        Assert.StartsWith("degraded (compressed", report.Describe(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("astronaut")]
    [InlineData("chelsea")]
    [InlineData("coffee")]
    [InlineData("rocket")]
    public void A_png_of_a_clean_photo_is_clean(string name)
    {
        var path = CleanPhoto(name);

        var report = InputConditionDetector.Detect(path, ImageInspector.ReadHeader(path));

        Assert.Null(report.JpegQuality);
        Assert.InRange(report.NoiseSigma, 0, 1.5);
        Assert.Equal(InputCondition.Clean, report.Condition);
        Assert.StartsWith("clean: no JPEG compression", report.Describe(), StringComparison.Ordinal);
    }

    [Fact]
    public void Fur_is_not_taken_for_noise()
    {
        var path = FixturePath.Of("texture.png");

        var report = InputConditionDetector.Detect(path, ImageInspector.ReadHeader(path));

        Assert.Equal(InputCondition.Clean, report.Condition);
    }

    [Fact]
    public void A_high_quality_jpeg_of_a_clean_photo_is_clean()
    {
        var path = SaveJpeg(CleanPhoto("rocket"), 95);

        var report = InputConditionDetector.Detect(path, ImageInspector.ReadHeader(path));

        Assert.Equal(InputCondition.Clean, report.Condition);
    }

    [Fact]
    public void A_noisy_png_is_detected_as_noisy_with_about_its_sigma()
    {
        AssertNoisy(10);
        AssertNoisy(6);
    }

    private void AssertNoisy(double sigma)
    {
        var path = temp.File($"noisy-{sigma}.png");
        AddGaussianNoise(CleanPhoto("coffee"), path, sigma, seed: 7);

        var report = InputConditionDetector.Detect(path, ImageInspector.ReadHeader(path));

        Assert.Equal(InputCondition.Degraded, report.Condition);
        Assert.True(report.Noisy);
        Assert.False(report.Compressed);
        Assert.InRange(report.NoiseSigma, sigma * 0.8, (sigma * 1.2) + 1);
        Assert.StartsWith("degraded (noisy)", report.Describe(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("chelsea")]
    [InlineData("meadow")]
    [InlineData("moss")]
    [InlineData("rowing-boats")]
    public void Textured_photos_at_the_size_the_clean_track_serves_stay_clean_until_colour_noise_is_added(string name)
    {
        // The clean track's input: the photo shrunk 4x, 64-72 px of fur, grass or foliage with no flat block.
        var original = RgbImage.Load(CleanPhoto(name));
        var shrunk = Resampler.Resize(original, original.Width / 4, original.Height / 4, Resampler.Kernel.Bicubic).Quantized();
        var clean = temp.File($"{name}-x4-down.png");
        shrunk.Save(clean);
        var noisy = temp.File($"{name}-x4-down-noise6.png");
        AddGaussianNoise(clean, noisy, 6, seed: 11);

        var cleanReport = InputConditionDetector.Detect(clean, ImageInspector.ReadHeader(clean));
        var noisyReport = InputConditionDetector.Detect(noisy, ImageInspector.ReadHeader(noisy));

        Assert.Equal(InputCondition.Clean, cleanReport.Condition);
        Assert.InRange(cleanReport.NoiseSigma, 0, 3);
        Assert.Equal(InputCondition.Degraded, noisyReport.Condition);
        Assert.InRange(noisyReport.NoiseSigma, 4.5, 12);
    }

    [Fact]
    public void A_rendered_fine_texture_is_clean_and_the_same_texture_with_noise_is_noisy()
    {
        // Two gratings near the sampling limit in a brown tint: detail in every 16 px block, the same in R, G and B up to the tint.
        const int side = 256;
        var texture = new RgbImage(side, side, new float[3 * side * side]);
        var tint = new[] { 1.0f, 0.75f, 0.45f };
        for (var y = 0; y < side; y++)
        {
            for (var x = 0; x < side; x++)
            {
                var luminance = 0.5 + (0.03 * Math.Sin(2 * Math.PI * ((0.37 * x) + (0.23 * y)))) + (0.02 * Math.Sin(2 * Math.PI * ((0.11 * x) - (0.41 * y))));
                for (var c = 0; c < 3; c++)
                {
                    texture.Planes[(c * side * side) + (y * side) + x] = (float)(luminance * tint[c]);
                }
            }
        }

        var clean = temp.File("grating.png");
        texture.Quantized().Save(clean);
        var green = texture.Quantized().Planes.AsSpan(side * side, side * side).ToArray().Select(v => v * 255).ToArray();

        // What makes the test bite: one channel alone reads like noise well above the threshold.
        Assert.True(NoiseEstimator.Estimate(green, side, side) > InputConditionDetector.NoisyAboveSigma);
        var noisy = temp.File("grating-noise6.png");
        AddGaussianNoise(clean, noisy, 6, seed: 3);

        var cleanReport = InputConditionDetector.Detect(clean, ImageInspector.ReadHeader(clean));
        Assert.InRange(cleanReport.NoiseSigma, 0, 3);
        Assert.Equal(InputCondition.Clean, cleanReport.Condition);
        var noisyReport = InputConditionDetector.Detect(noisy, ImageInspector.ReadHeader(noisy));
        Assert.Equal(InputCondition.Degraded, noisyReport.Condition);
        Assert.InRange(noisyReport.NoiseSigma, 4.5, 8);
    }

    [Fact]
    public void Strong_grey_noise_is_noisy_although_it_has_no_colour()
    {
        var path = temp.File("grey-noise-14.png");
        AddGaussianNoise(CleanPhoto("coffee"), path, 14, seed: 5, grey: true);

        var report = InputConditionDetector.Detect(path, ImageInspector.ReadHeader(path));

        Assert.Equal(InputCondition.Degraded, report.Condition);
        Assert.InRange(report.NoiseSigma, 11, 17);
    }

    [Theory]
    [InlineData(3)]
    [InlineData(8)]
    public void Independent_noise_in_each_channel_reads_its_sigma(double sigma)
    {
        const int side = 512;
        var random = new Random(17);
        var planes = new float[3][];
        for (var c = 0; c < 3; c++)
        {
            planes[c] = new float[side * side];
            for (var i = 0; i < planes[c].Length; i++)
            {
                planes[c][i] = (float)(128 + (sigma * Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble())));
            }
        }

        Assert.InRange(NoiseEstimator.EstimateAcrossChannels(planes[0], planes[1], planes[2], side, side), sigma * 0.95, sigma * 1.05);
    }

    [Fact]
    public void The_noise_estimate_ignores_edges()
    {
        // A hard black/white edge pattern with no noise: the median of the detail band stays at zero.
        var width = 64;
        var plane = new float[width * width];
        for (var i = 0; i < plane.Length; i++)
        {
            plane[i] = (i % width) < 17 || (i / width) % 23 == 0 ? 255 : 0;
        }

        Assert.Equal(0, NoiseEstimator.Estimate(plane, width, width), 3);
    }

    [Fact]
    public void Files_without_tables_or_truncated_before_them_have_no_quality()
    {
        Assert.Empty(JpegQuantization.ReadTables(FixturePath.Of("photo.png")));
        using var cut = new MemoryStream([0xFF, 0xD8, 0xFF, 0xDB, 0x00]);
        Assert.Empty(JpegQuantization.ReadTables(cut));
        Assert.Null(JpegQuantization.EstimateQuality(new Dictionary<int, int[]>()));
    }

    [Fact]
    public void Standard_tables_map_back_to_their_quality()
    {
        foreach (var quality in new[] { 10, 50, 51, 88, 90, 99 })
        {
            var tables = new Dictionary<int, int[]> { [0] = JpegQuantization.ScaledTable(luma: true, quality), [1] = JpegQuantization.ScaledTable(luma: false, quality) };
            Assert.Equal(quality, JpegQuantization.EstimateQuality(tables));
        }
    }

    private string SaveJpeg(string source, int quality)
    {
        var path = temp.File($"q{quality}-{Path.GetFileNameWithoutExtension(source)}.jpg");
        using var image = Image.NewFromFile(source);
        image.Jpegsave(path, q: quality);
        return path;
    }

    private static void AddGaussianNoise(string source, string target, double sigma, int seed, bool grey = false)
    {
        using var image = Image.NewFromFile(source);
        using var rgb = image.ExtractBand(0, 3);
        var pixels = rgb.WriteToMemory<byte>();
        var random = new Random(seed);
        var gaussian = 0.0;
        for (var i = 0; i < pixels.Length; i++)
        {
            // Box-Muller from the seeded generator: deterministic noise; grey noise draws once per pixel for all three channels.
            if (!grey || i % 3 == 0)
            {
                gaussian = Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble());
            }

            pixels[i] = (byte)Math.Clamp(Math.Round(pixels[i] + (sigma * gaussian)), 0, 255);
        }

        using var noisy = Image.NewFromMemory(pixels, rgb.Width, rgb.Height, 3, Enums.BandFormat.Uchar);
        noisy.Pngsave(target);
    }

    public void Dispose() => temp.Dispose();
}
