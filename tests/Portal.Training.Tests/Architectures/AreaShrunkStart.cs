using Portal.Models.Evaluation;
using Portal.Training.Architectures;
using Portal.Training.Tests.Support;

namespace Portal.Training.Tests.Architectures;

/// <summary>The photo x2 start: realesrgan-x4fast's network with its last convolution averaged down to x2.</summary>
public sealed class AreaShrunkStart
{
    private const double Tolerance = 1e-4;

    [Fact]
    public void The_x2_derived_from_x4fast_equals_x4fast_followed_by_a_2x2_area_shrink_in_onnx_runtime()
    {
        var path = Path.Combine(RepositoryPaths.Models, "realesrgan-x4fast-x4.onnx");
        using var x4 = new SrvggCompact(features: 64, convolutions: 32, scale: 4);
        x4.LoadOnnx(File.ReadAllBytes(path), "realesrgan-x4fast-x4.onnx");
        using var x2 = x4.AreaShrunk(2);
        Assert.Equal(2, x2.Scale);

        var image = ExportMatchesForwardPass.RandomImage(width: 19, height: 13, seed: 21);
        using var shipped = new OnnxUpscaler(path);
        var large = shipped.Upscale(image);
        using var derived = new OnnxUpscaler(x2.ToOnnx("x4fast-area-x2"));
        var small = derived.Upscale(image);
        Assert.Equal((image.Width * 2, image.Height * 2), (small.Width, small.Height));

        // Both graphs clip to 0..1 last; a 2x2 mean of clipped values differs from a clipped mean, so only blocks whose
        // four x4 values are all inside the range are compared (most of them, checked).
        var compared = 0;
        var worst = 0.0;
        for (var c = 0; c < 3; c++)
        {
            for (var y = 0; y < small.Height; y++)
            {
                for (var x = 0; x < small.Width; x++)
                {
                    var block = new[] { Large(c, 2 * y, 2 * x), Large(c, 2 * y, 2 * x + 1), Large(c, 2 * y + 1, 2 * x), Large(c, 2 * y + 1, 2 * x + 1) };
                    if (block.Any(v => v is <= 0f or >= 1f))
                    {
                        continue;
                    }
                    compared++;
                    worst = Math.Max(worst, Math.Abs(block.Average() - small.Planes[(c * small.Height + y) * small.Width + x]));
                }
            }
        }
        Assert.True(compared > small.Planes.Length / 2, $"only {compared} of {small.Planes.Length} values were inside 0..1");
        Assert.True(worst <= Tolerance, $"largest difference {worst:E2} exceeds {Tolerance:E0}");

        float Large(int c, int y, int x) => large.Planes[(c * large.Height + y) * large.Width + x];
    }

    [Fact]
    public void A_scale_that_does_not_divide_the_networks_is_refused()
    {
        using var x4 = new SrvggCompact(features: 4, convolutions: 1, scale: 4);
        var error = Assert.Throws<TrainingException>(() => x4.AreaShrunk(3));
        Assert.Contains("x3 does not", error.Message);
    }
}
