using Portal.Engine.Tests.Degradation;
using Portal.Engine.Tests.Support;
using Portal.Models.Degradation;
using Portal.Models.Evaluation;
using Portal.Models.Evaluation.Metrics;

namespace Portal.Engine.Tests.Metrics;

/// <summary>BRISQUE, NIQE and GMSD rank damaged pictures below clean ones, and give their known values.</summary>
public sealed class NaturalnessMetricsBehave
{
    private static readonly string[] Photos = ["coffee.png", "chelsea.png", "wood.png"];

    [Fact]
    public void Brisque_scores_blurred_and_noisy_photos_worse_than_clean_ones()
    {
        using var brisque = new Brisque();
        foreach (var name in Photos)
        {
            var photo = TestPhotos.Crop(name, 256);
            var clean = brisque.Score(photo);
            var blurred = brisque.Score(Degrader.Filter(photo, BlurKernel.Isotropic(2.5)));
            var noisy = brisque.Score(Noisy(photo, 25));
            Assert.True(blurred > clean + 10 && noisy > clean + 10, $"{name}: clean {clean:F1}, blurred {blurred:F1}, noisy {noisy:F1}");
        }
    }

    [Fact]
    public void Brisque_gives_opencvs_number_for_a_known_image()
    {
        // Debian's python3-opencv 4.6: cv2.quality.QualityBRISQUE_compute(cv2.imread("coffee.png")[64:320, 64:320],
        // with the same model files) gives 5.670191. The binding runs OpenCV 4.13 and gives 5.669975: the same
        // features to four digits (float summation order differs between the builds).
        using var brisque = new Brisque();
        var score = brisque.Score(TestPhotos.Crop("coffee.png", 256));
        Assert.Equal(5.670191, score, 0.005);
    }

    [Fact]
    public void Brisque_without_its_model_files_names_the_package_to_install()
    {
        using var folder = new TempDirectory();
        var error = Assert.Throws<FileNotFoundException>(() => new Brisque(folder.Path));
        Assert.Contains("opencv-data", error.Message);
    }

    [Fact]
    public void Niqe_scores_blurred_and_noisy_photos_worse_than_clean_ones()
    {
        var niqe = new Niqe(NiqeModel.Load(Path.Combine(RepoPaths.Models, "evaluation", "niqe-model.json")));
        foreach (var name in Photos)
        {
            var photo = TestPhotos.Crop(name, 256);
            var clean = niqe.Score(photo);
            var blurred = niqe.Score(Degrader.Filter(photo, BlurKernel.Isotropic(2.5)));
            var noisy = niqe.Score(Noisy(photo, 25));
            Assert.True(blurred > clean && noisy > clean, $"{name}: clean {clean:F2}, blurred {blurred:F2}, noisy {noisy:F2}");
        }
    }

    [Fact]
    public void A_niqe_model_fitted_on_photos_is_closest_to_photos_like_them()
    {
        var photos = new[] { "rocket.png", "astronaut.png", "dune-grass.png", "meadow.png", "ladybird.png", "yellow-flower.png" }.Select(TestPhotos.Load).ToList();
        var model = NiqeModel.Fit(photos, 32, "test");
        Assert.Equal(36, model.Mean.Length);
        Assert.True(model.Patches >= 36);
        var niqe = new Niqe(model);
        var photo = TestPhotos.Crop("coffee.png", 192);
        var (clean, noisy) = (niqe.Score(photo), niqe.Score(Noisy(photo, 20)));
        Assert.True(clean < noisy, $"clean {clean:F2}, noisy {noisy:F2}");
    }

    [Fact]
    public void Gmsd_is_zero_for_identical_images_and_grows_with_blur()
    {
        var photo = TestPhotos.Crop("chelsea.png", 192);
        Assert.Equal(0, Gmsd.Score(photo, photo, 4), 12);
        var light = Gmsd.Score(photo, Degrader.Filter(photo, BlurKernel.Isotropic(0.8)), 4);
        var heavy = Gmsd.Score(photo, Degrader.Filter(photo, BlurKernel.Isotropic(2.5)), 4);
        Assert.InRange(light, 0.005, heavy);
        Assert.InRange(heavy, light, 0.35);
    }

    [Fact]
    public void Gmsd_of_a_step_against_its_flattened_copy_is_known()
    {
        // 8x8 after halving: left half 0, right half 200 (luma). The flattened copy has no gradient, so the similarity map is
        // 170/(g²+170) on the two columns along the edge and 1 elsewhere; its population deviation follows.
        var step = new RgbImage(16, 16, Enumerable.Range(0, 3 * 256).Select(i => i % 16 < 8 ? 0f : 200f / 255f).ToArray());
        var flat = new RgbImage(16, 16, Enumerable.Repeat(0f, 3 * 256).ToArray());
        var lumaStep = ImageQuality.Luma(step)[15] - ImageQuality.Luma(step)[0];
        var g = 3 * lumaStep / 3; // Prewitt over three rows, divided by 3
        var edge = 170 / (g * g + 170);
        double[] map = [.. Enumerable.Repeat(1.0, 6 * 4), .. Enumerable.Repeat(edge, 6 * 2)];
        var mean = map.Average();
        var expected = Math.Sqrt(map.Select(v => (v - mean) * (v - mean)).Average());
        Assert.Equal(expected, Gmsd.Score(step, flat, 0), 9);
    }

    private static RgbImage Noisy(RgbImage image, double sigma) => Degrader.Degrade(
        image,
        new DegradationPlan(new DegradationStage(null, null, new NoiseStep(NoiseKind.Gaussian, sigma, false), null), null, new FinalStep(ResizeMode.Area, null, null)),
        1,
        42);
}
