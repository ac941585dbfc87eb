using NetVips;
using Portal.Engine.Tests.Degradation;
using Portal.Models.Evaluation;
using Portal.Models.Evaluation.Metrics;
using Portal.Models.Restoration;

namespace Portal.Engine.Tests.Restoration;

/// <summary>The JPEG deblocker lowers a compressed photo's grid, keeps real edges, and never touches pixels away from block boundaries.</summary>
public sealed class DeblockingSmoothsTheGridOnly
{
    [Fact]
    public void A_quality_40_jpeg_loses_most_of_its_grid()
    {
        var jpeg = Jpeg(TestPhotos.Load("coffee.png"), 40);

        var before = JpegBlockiness.Measure(jpeg, 1);
        var after = JpegBlockiness.Measure(JpegDeblocker.Apply(jpeg, 40), 1);

        Assert.True(before > 1.15, $"the q40 JPEG should show its grid: blockiness {before:F3}");
        Assert.True(after < before - 0.1, $"deblocking took blockiness from {before:F3} only to {after:F3}");
    }

    [Fact]
    public void A_hard_edge_on_a_block_boundary_and_everything_off_the_boundaries_stay_as_they_were()
    {
        const int size = 32;
        var planes = new float[3 * size * size];
        for (var c = 0; c < 3; c++)
        {
            for (var y = 0; y < size; y++)
            {
                for (var x = 0; x < size; x++)
                {
                    // A black-to-white edge at x = 16 (a block boundary) and a 2-level step at x = 8.
                    planes[(c * size * size) + (y * size) + x] = x >= 16 ? 1f : x >= 8 ? 0.2f + (2 / 255f) : 0.2f;
                }
            }
        }
        var image = new RgbImage(size, size, planes);

        var result = JpegDeblocker.Apply(image, 50);

        var area = size * size;
        for (var y = 0; y < size; y++)
        {
            Assert.Equal(image.Planes[(y * size) + 15], result.Planes[(y * size) + 15]);
            Assert.Equal(image.Planes[(y * size) + 16], result.Planes[(y * size) + 16]);
            Assert.Equal(image.Planes[(y * size) + 3], result.Planes[(y * size) + 3]);
            Assert.Equal(image.Planes[(2 * area) + (y * size) + 28], result.Planes[(2 * area) + (y * size) + 28]);
            // The small step at x = 8 becomes a ramp from x = 5 to x = 10.
            Assert.True(result.Planes[(y * size) + 7] > image.Planes[(y * size) + 7], "the small step was left");
            Assert.True(result.Planes[(y * size) + 8] < image.Planes[(y * size) + 8], "the small step was left");
        }
    }

    [Fact]
    public void A_higher_quality_allows_only_smaller_steps()
    {
        var (q90, _) = JpegDeblocker.Thresholds(90);
        var (q30, _) = JpegDeblocker.Thresholds(30);
        Assert.True(q30 > 4 * q90, $"q30 {q30 * 255:F1} vs q90 {q90 * 255:F1} grey levels");
    }

    private static RgbImage Jpeg(RgbImage image, int quality)
    {
        using var vips = image.ToVips();
        var bytes = vips.JpegsaveBuffer(q: quality);
        using var decoded = Image.NewFromBuffer(bytes);
        return RgbImage.FromVips(decoded);
    }
}
