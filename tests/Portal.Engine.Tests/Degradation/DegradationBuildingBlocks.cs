using Portal.Models.Degradation;
using Portal.Models.Evaluation;

namespace Portal.Engine.Tests.Degradation;

/// <summary>Kernels, resizes, noise and JPEG each give the answer their definition implies.</summary>
public sealed class DegradationBuildingBlocks
{
    [Theory]
    [InlineData(1.0, 0.44005058574493355)]
    [InlineData(3.0, 0.33905895852593643)]
    [InlineData(10.0, 0.04347274616886144)]
    [InlineData(12.5, -0.16548380461475972)]
    [InlineData(30.0, -0.11875106261662294)]
    public void Bessel_j1_matches_tabulated_values(double x, double expected)
    {
        Assert.Equal(expected, Bessel.J1(x), 9);
    }

    [Fact]
    public void Every_kernel_sums_to_one_and_isotropic_ones_are_symmetric()
    {
        var kernels = new[]
        {
            BlurKernel.Isotropic(1.3),
            BlurKernel.Anisotropic(2.5, 0.7, 0.4),
            new BlurKernel(BlurKernelKind.GeneralizedIsotropic, 15, 1.5, 1.5, 0, 0.6),
            new BlurKernel(BlurKernelKind.PlateauAnisotropic, 13, 2, 1, 1, 1.7),
            BlurKernel.SincLowPass(Math.PI / 3, 21),
        };
        foreach (var kernel in kernels)
        {
            Assert.Equal(1.0, kernel.Weights().Sum(), 12);
        }
        var iso = BlurKernel.Isotropic(1.3, 9).Weights();
        for (var y = 0; y < 9; y++)
        {
            for (var x = 0; x < 9; x++)
            {
                Assert.Equal(iso[y * 9 + x], iso[x * 9 + y], 14);
                Assert.Equal(iso[y * 9 + x], iso[(8 - y) * 9 + (8 - x)], 14);
            }
        }
    }

    [Fact]
    public void An_anisotropic_kernel_turned_a_quarter_is_the_one_with_its_sigmas_swapped()
    {
        var turned = BlurKernel.Anisotropic(2.5, 0.8, Math.PI / 2, 11).Weights();
        var swapped = BlurKernel.Anisotropic(0.8, 2.5, 0, 11).Weights();
        for (var i = 0; i < turned.Length; i++)
        {
            Assert.Equal(swapped[i], turned[i], 12);
        }
        // Wide along x: the row through the centre holds more weight than the column.
        var wide = BlurKernel.Anisotropic(2.5, 0.8, 0, 11).Weights();
        Assert.True(wide[5 * 11 + 8] > wide[8 * 11 + 5]);
    }

    [Fact]
    public void A_generalised_kernel_with_beta_one_is_the_gaussian()
    {
        var gaussian = BlurKernel.Anisotropic(1.8, 1.1, 0.3, 13).Weights();
        var generalised = new BlurKernel(BlurKernelKind.GeneralizedAnisotropic, 13, 1.8, 1.1, 0.3, 1.0).Weights();
        for (var i = 0; i < gaussian.Length; i++)
        {
            Assert.Equal(gaussian[i], generalised[i], 14);
        }
    }

    [Fact]
    public void Blurring_keeps_a_flat_image_flat_and_softens_an_edge()
    {
        var flat = Flat(20, 16, 0.3f);
        Assert.All(Degrader.Filter(flat, BlurKernel.Isotropic(2, 21)).Planes, v => Assert.Equal(0.3f, v, 5));
        var edge = new RgbImage(20, 4, Enumerable.Range(0, 3 * 80).Select(i => i % 20 < 10 ? 0f : 1f).ToArray());
        var blurred = Degrader.Filter(edge, BlurKernel.Isotropic(1.5, 9));
        Assert.InRange(blurred.Planes[9], 0.2f, 0.5f);
        Assert.InRange(blurred.Planes[10], 0.5f, 0.8f);
    }

    [Fact]
    public void Bilinear_and_area_resizes_give_pytorchs_numbers()
    {
        // F.interpolate([0,1,2,3], size=8, mode='bilinear', align_corners=False)
        var row = new RgbImage(4, 1, [0, 1, 2, 3, 0, 1, 2, 3, 0, 1, 2, 3]);
        var up = ImageResizer.Resize(row, 8, 1, ResizeMode.Bilinear);
        Assert.Equal([0f, 0.25f, 0.75f, 1.25f, 1.75f, 2.25f, 2.75f, 3f], up.Planes[..8]);
        // 'area' to 3 from 4 is adaptive average pooling over [0,2), [1,3), [2,4).
        var area = ImageResizer.Resize(row, 3, 1, ResizeMode.Area);
        Assert.Equal([0.5f, 1.5f, 2.5f], area.Planes[..3]);
    }

    [Fact]
    public void An_area_enlargement_whose_last_window_rounds_past_the_edge_stays_inside_the_image()
    {
        // 3 -> 187: 187 * (3 / 187.0) is a hair above 3, so the last window once reached pixel 3 (a training crop hit this).
        var row = new RgbImage(3, 1, [0.25f, 0.5f, 0.75f, 0.25f, 0.5f, 0.75f, 0.25f, 0.5f, 0.75f]);
        var up = ImageResizer.Resize(row, 187, 1, ResizeMode.Area);
        Assert.Equal(0.75f, up.Planes[186]);
        Assert.Equal(0.25f, up.Planes[0]);
    }

    [Fact]
    public void Bicubic_follows_a_ramp_away_from_the_edges()
    {
        // With a = -0.75 (PyTorch's choice) cubic convolution only approximates a line: within a few
        // thousandths here, while a half-pixel misplacement of the taps would miss by 1/32.
        var ramp = new RgbImage(16, 1, Enumerable.Range(0, 48).Select(i => i % 16 / 16f).ToArray());
        var up = ImageResizer.Resize(ramp, 64, 1, ResizeMode.Bicubic);
        for (var x = 8; x < 56; x++)
        {
            // Output pixel x sits at source position (x + 0.5) / 4 - 0.5.
            Assert.Equal(((x + 0.5) / 4 - 0.5) / 16, up.Planes[x], 0.003);
        }
    }

    [Fact]
    public void Gaussian_noise_has_the_asked_sigma_and_grey_noise_is_the_same_in_every_channel()
    {
        var flat = Flat(128, 128, 0.5f);
        var plan = new DegradationPlan(
            new DegradationStage(null, null, new NoiseStep(NoiseKind.Gaussian, 10, Grey: false), null), null, new FinalStep(ResizeMode.Area, null, null));
        var noisy = Degrader.Degrade(flat, plan, 1, 3);
        var sigma = Math.Sqrt(noisy.Planes.Select(v => (v - 0.5) * (v - 0.5)).Average()) * 255;
        Assert.InRange(sigma, 9.7, 10.3);

        var grey = Degrader.Degrade(flat, plan with { First = plan.First with { Noise = new NoiseStep(NoiseKind.Gaussian, 10, Grey: true) } }, 1, 3);
        var area = 128 * 128;
        Assert.Equal(grey.Planes[..area], grey.Planes[area..(2 * area)]);
        Assert.NotEqual(noisy.Planes[..area], noisy.Planes[area..(2 * area)]);
    }

    [Fact]
    public void Poisson_noise_grows_with_brightness()
    {
        // Two flat halves, dark and bright, under rows holding all 256 levels (the shot-noise scale
        // follows the number of distinct levels, as in BasicSR); noise must differ as sqrt of the signal.
        var planes = new float[3 * 128 * 128];
        for (var i = 0; i < planes.Length; i++)
        {
            var (x, y) = (i % 128, i / 128 % 128);
            planes[i] = y < 8 ? (y * 128 + x) % 256 / 255f : x < 64 ? 0.1f : 0.8f;
        }
        var image = new RgbImage(128, 128, planes);
        var plan = new DegradationPlan(
            new DegradationStage(null, null, new NoiseStep(NoiseKind.Poisson, 1, Grey: false), null), null, new FinalStep(ResizeMode.Area, null, null));
        var noisy = Degrader.Degrade(image, plan, 1, 5).Planes;
        double Std(bool bright, float mean) => Math.Sqrt(Enumerable.Range(0, noisy.Length).Where(i => i / 128 % 128 >= 8 && i % 128 >= 64 == bright).Select(i => (noisy[i] - mean) * (noisy[i] - mean)).Average());
        var ratio = Std(true, 0.8f) / Std(false, 0.1f);
        Assert.InRange(ratio, Math.Sqrt(8) * 0.85, Math.Sqrt(8) * 1.15);
    }

    [Fact]
    public void Poisson_draws_have_the_asked_mean_and_variance()
    {
        foreach (var mean in new[] { 3.0, 40.0, 200.0 })
        {
            var random = new SeededRandom(9);
            var draws = Enumerable.Range(0, 40000).Select(_ => (double)random.NextPoisson(mean)).ToArray();
            var m = draws.Average();
            var v = draws.Select(d => (d - m) * (d - m)).Average();
            Assert.InRange(m, mean * 0.98, mean * 1.02);
            Assert.InRange(v, mean * 0.93, mean * 1.07);
        }
    }

    [Fact]
    public void Lower_jpeg_quality_loses_more()
    {
        var photo = TestPhotos.Crop("coffee.png", 96);
        var q90 = ImageQuality.Psnr(photo, Degrader.Jpeg(photo, 90), 0);
        var q30 = ImageQuality.Psnr(photo, Degrader.Jpeg(photo, 30), 0);
        Assert.True(q90 > q30 + 3, $"q90 {q90:F1} dB, q30 {q30:F1} dB");
        Assert.Throws<ArgumentOutOfRangeException>(() => Degrader.Jpeg(photo, 0));
    }

    private static RgbImage Flat(int width, int height, float value) => new(width, height, Enumerable.Repeat(value, 3 * width * height).ToArray());
}
