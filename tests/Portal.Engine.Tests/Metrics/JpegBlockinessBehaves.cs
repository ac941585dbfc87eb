using Portal.Engine.Tests.Degradation;
using Portal.Models.Degradation;
using Portal.Models.Evaluation;
using Portal.Models.Evaluation.Metrics;

namespace Portal.Engine.Tests.Metrics;

public sealed class JpegBlockinessBehaves
{
    [Theory]
    [InlineData("coffee.png")]
    [InlineData("rocket.png")]
    [InlineData("chelsea.png")]
    public void A_clean_photo_scores_about_one_and_the_grid_grows_as_jpeg_quality_falls(string photo)
    {
        var image = TestPhotos.Crop(photo, 256);
        var clean = JpegBlockiness.Measure(image, 1);
        var scores = new[] { 90, 60, 30, 15 }.Select(q => JpegBlockiness.Measure(Degrader.Jpeg(image, q), 1)).ToArray();

        // rocket.png comes from a JPEG cropped off its grid, which leaves it a little under one.
        Assert.InRange(clean, 0.8, 1.1);
        Assert.True(scores.Zip(scores.Skip(1)).All(pair => pair.First < pair.Second), $"clean {clean:F3}, q90..q15 {string.Join(" ", scores.Select(s => s.ToString("F3")))}");
        Assert.True(scores[^1] > 1.3, $"q15 scores {scores[^1]:F3}");
    }

    [Fact]
    public void An_upscale_is_measured_on_the_grid_of_its_input()
    {
        var small = Degrader.Jpeg(TestPhotos.Crop("coffee.png", 128), 20);
        var upscaled = Resampler.Resize(small, 512, 512, Resampler.Kernel.Lanczos3);
        var onInputGrid = new JpegBlockiness().Measure(new MetricSample(upscaled, null, 4, "coffee.png"))!.Value;

        // Lanczos softens the steps a little, so the shrunk-back upscale keeps most, not all, of the input's grid.
        var input = JpegBlockiness.Measure(small, 1);
        Assert.InRange(onInputGrid, 1.3, input);
        // Measured as if it were a native image, the grid sits at 32 px and mostly escapes the 8 px grid.
        Assert.True(JpegBlockiness.Measure(upscaled, 1) < onInputGrid);
    }

    [Fact]
    public void The_contract_says_lower_is_better_and_no_reference()
    {
        IQualityMetric metric = new JpegBlockiness();
        Assert.True(metric.LowerIsBetter);
        Assert.False(metric.NeedsReference);
        Assert.Equal("blockiness", metric.Id);
    }
}
