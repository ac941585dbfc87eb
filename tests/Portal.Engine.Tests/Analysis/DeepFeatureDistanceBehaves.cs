using Portal.Models.Evaluation;
using Portal.Models.Evaluation.Metrics;
using Xunit.Abstractions;

namespace Portal.Engine.Tests.Analysis;

/// <summary>The deep-feature distance is 0 for identical images and grows with blur and with noise.</summary>
public sealed class DeepFeatureDistanceBehaves(ITestOutputHelper output) : IDisposable
{
    private readonly DeepFeatureDistance distance = new(AnalysisFixtures.ModelsDirectory);

    [Fact]
    public void Identical_images_are_at_zero()
    {
        var image = RgbImage.Load(Path.Combine(AnalysisFixtures.ModelsDirectory, "evaluation", "photos", "rocket.png"));
        Assert.Equal(0, distance.Measure(image, image), 9);
    }

    [Fact]
    public void Grows_with_blur_and_with_noise()
    {
        var image = RgbImage.Load(Path.Combine(AnalysisFixtures.ModelsDirectory, "evaluation", "photos", "coffee.png"));
        var blur = new[] { 1.0, 2.0, 4.0 }.Select(sigma => distance.Measure(image, Blur(image, sigma))).ToList();
        var noise = new[] { 0.01f, 0.03f, 0.1f }.Select(sigma => distance.Measure(image, Noise(image, sigma))).ToList();
        output.WriteLine("blur sigma 1/2/4: " + string.Join(", ", blur.Select(d => d.ToString("F4"))));
        output.WriteLine("noise sigma 0.01/0.03/0.1: " + string.Join(", ", noise.Select(d => d.ToString("F4"))));
        Assert.True(blur[0] > 0);
        for (var i = 1; i < blur.Count; i++)
        {
            Assert.True(blur[i] > blur[i - 1], $"blur {i}: {blur[i]} <= {blur[i - 1]}");
        }
        for (var i = 1; i < noise.Count; i++)
        {
            Assert.True(noise[i] > noise[i - 1], $"noise {i}: {noise[i]} <= {noise[i - 1]}");
        }
    }

    [Fact]
    public void Refuses_images_of_different_sizes()
    {
        var a = new RgbImage(32, 32, new float[3 * 32 * 32]);
        var b = new RgbImage(32, 40, new float[3 * 32 * 40]);
        Assert.Throws<ArgumentException>(() => distance.Measure(a, b));
    }

    private static RgbImage Blur(RgbImage image, double sigma)
    {
        using var vips = image.ToVips();
        using var blurred = vips.Gaussblur(sigma);
        return RgbImage.FromVips(blurred);
    }

    private static RgbImage Noise(RgbImage image, float sigma)
    {
        var random = new Random(7);
        var planes = image.Planes.Select(v => Math.Clamp(v + sigma * (float)random.NextGaussian(), 0f, 1f)).ToArray();
        return new RgbImage(image.Width, image.Height, planes);
    }

    public void Dispose() => distance.Dispose();
}

internal static class RandomExtensions
{
    public static double NextGaussian(this Random random) =>
        Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble());
}
