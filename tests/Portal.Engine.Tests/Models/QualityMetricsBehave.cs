using Portal.Models.Evaluation;

namespace Portal.Engine.Tests.Models;

/// <summary>The evaluation's building blocks give the textbook answers on images whose answer is known.</summary>
public sealed class QualityMetricsBehave
{
    [Fact]
    public void Identical_images_have_ssim_one_and_capped_psnr()
    {
        var image = Gradient(40, 30);
        Assert.Equal(100, ImageQuality.Psnr(image, image, 2));
        Assert.Equal(1.0, ImageQuality.Ssim(image, image, 2), 9);
    }

    [Fact]
    public void One_grey_level_everywhere_is_49_dB()
    {
        var image = Gradient(40, 30);
        var brighter = new RgbImage(image.Width, image.Height, image.Planes.Select(v => v + 1f / 255f).ToArray());
        // Luma of a one-level RGB step is (65.481+128.553+24.966)/255 = 0.8588 levels: 20*log10(255/0.8588).
        Assert.Equal(49.45, ImageQuality.Psnr(image, brighter, 0), 2);
    }

    [Theory]
    [InlineData(Resampler.Kernel.Bicubic)]
    [InlineData(Resampler.Kernel.Lanczos3)]
    public void Resampling_keeps_a_flat_image_flat(Resampler.Kernel kernel)
    {
        var flat = new RgbImage(12, 9, Enumerable.Repeat(0.4f, 3 * 12 * 9).ToArray());
        foreach (var resized in new[] { Resampler.Resize(flat, 36, 27, kernel), Resampler.Resize(flat, 4, 3, kernel) })
        {
            Assert.All(resized.Planes, v => Assert.Equal(0.4f, v, 5));
        }
    }

    [Fact]
    public void Report_merge_replaces_only_the_generated_block()
    {
        var existing = $"# Models\n\nhand-written\n\n{QualityReport.BeginMarker}\nold\n{QualityReport.EndMarker}\n\ntail\n";
        var merged = QualityReport.Merge(existing, $"{QualityReport.BeginMarker}\nnew\n{QualityReport.EndMarker}\n");
        Assert.Equal($"# Models\n\nhand-written\n\n{QualityReport.BeginMarker}\nnew\n{QualityReport.EndMarker}\n\ntail\n", merged);
    }

    private static RgbImage Gradient(int width, int height)
    {
        var planes = new float[3 * width * height];
        for (var i = 0; i < width * height; i++)
        {
            planes[i] = i % width / (float)width;
            planes[width * height + i] = i / width / (float)height;
            planes[2 * width * height + i] = 0.3f;
        }
        return new RgbImage(width, height, planes);
    }
}
