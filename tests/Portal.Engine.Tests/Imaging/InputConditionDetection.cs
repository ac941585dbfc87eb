using NetVips;
using Portal.Engine.Imaging;
using Portal.Engine.Imaging.Condition;
using Portal.Engine.Tests.Support;
using Portal.Models;

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

    private static void AddGaussianNoise(string source, string target, double sigma, int seed)
    {
        using var image = Image.NewFromFile(source);
        using var rgb = image.ExtractBand(0, 3);
        var pixels = rgb.WriteToMemory<byte>();
        var random = new Random(seed);
        for (var i = 0; i < pixels.Length; i++)
        {
            // Box-Muller from the seeded generator: deterministic noise.
            var gaussian = Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble());
            pixels[i] = (byte)Math.Clamp(Math.Round(pixels[i] + (sigma * gaussian)), 0, 255);
        }

        using var noisy = Image.NewFromMemory(pixels, rgb.Width, rgb.Height, 3, Enums.BandFormat.Uchar);
        noisy.Pngsave(target);
    }

    public void Dispose() => temp.Dispose();
}
