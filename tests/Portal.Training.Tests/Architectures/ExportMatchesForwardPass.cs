using Portal.Models.Evaluation;
using Portal.Training.Architectures;
using Portal.Training.Tests.Support;
using static TorchSharp.torch;

namespace Portal.Training.Tests.Architectures;

public sealed class ExportMatchesForwardPass
{
    private const double Tolerance = 1e-4;

    public static TheoryData<string> Networks => new() { "srvgg-x2", "srvgg-x4", "rrdb-x4", "rrdb-x2" };

    private static SuperResolutionNetwork Create(string kind) => kind switch
    {
        "srvgg-x2" => new SrvggCompact(features: 16, convolutions: 3, scale: 2),
        "srvgg-x4" => new SrvggCompact(features: 8, convolutions: 2, scale: 4),
        "rrdb-x4" => new RrdbNet(features: 8, blocks: 2, growth: 4, scale: 4),
        "rrdb-x2" => new RrdbNet(features: 8, blocks: 1, growth: 4, scale: 2),
        _ => throw new ArgumentOutOfRangeException(nameof(kind)),
    };

    [Theory]
    [MemberData(nameof(Networks))]
    public void An_exported_network_matches_its_torch_forward_pass_in_onnx_runtime(string kind)
    {
        random.manual_seed(7);
        using var network = Create(kind);
        network.eval();
        // Random weights make the output far from the input; 0..1 inputs, odd sizes to catch padding bugs.
        var image = RandomImage(width: 20, height: 14, seed: 3);
        var expected = TorchForward(network, image);
        using var onnx = new OnnxUpscaler(network.ToOnnx("parity-" + kind));
        var actual = onnx.Upscale(image);
        Assert.Equal((image.Width * network.Scale, image.Height * network.Scale), (actual.Width, actual.Height));
        var worst = expected.Zip(actual.Planes, (a, b) => Math.Abs(a - b)).Max();
        Assert.True(worst <= Tolerance, $"largest difference {worst:E2} exceeds {Tolerance:E0}");
        // The clip must matter somewhere, or the test would not notice a missing Clip node.
        Assert.Contains(expected, v => v is 0f or 1f);
    }

    [Fact]
    public void Realesr_animevideov3_weights_load_by_name_and_reproduce_the_shipped_model()
    {
        var path = Path.Combine(RepositoryPaths.Models, "realesr-animevideov3-x4.onnx");
        using var network = new SrvggCompact(features: 64, convolutions: 16, scale: 4);
        network.LoadOnnx(File.ReadAllBytes(path), "realesr-animevideov3-x4.onnx");
        network.eval();
        var image = RandomImage(width: 12, height: 10, seed: 5);
        var expected = TorchForward(network, image);
        using var shipped = new OnnxUpscaler(path);
        var actual = shipped.Upscale(image);
        var worst = expected.Zip(actual.Planes, (a, b) => Math.Abs(a - b)).Max();
        Assert.True(worst <= Tolerance, $"largest difference {worst:E2} exceeds {Tolerance:E0}");
    }

    [Theory]
    [InlineData("text-x2", "text-x2-general6.json")]
    [InlineData("photo-x2", "photo-x2-anchor-wes.json")]
    [InlineData("photo-x4", "photo-x4-anchor-wes.json")]
    [InlineData("art-x2", "art-x2-calmmixf02.json")]
    [InlineData("text-x4", "text-x4-general2.json")]
    public void A_shipped_trained_model_loads_into_its_recipes_architecture_and_matches_onnx_runtime(string id, string recipeFile)
    {
        var recipe = TrainingRecipe.Load(Path.Combine(RepositoryPaths.Models, "recipes", recipeFile));
        var path = Path.Combine(RepositoryPaths.Models, id + ".onnx");
        using var network = recipe.Architecture.Create();
        network.LoadOnnx(File.ReadAllBytes(path), id + ".onnx");
        network.eval();
        var image = RandomImage(width: 17, height: 11, seed: 9);
        var expected = TorchForward(network, image);
        using var shipped = new OnnxUpscaler(path);
        var actual = shipped.Upscale(image);
        var worst = expected.Zip(actual.Planes, (a, b) => Math.Abs(a - b)).Max();
        Assert.True(worst <= Tolerance, $"largest difference {worst:E2} exceeds {Tolerance:E0}");
        var manifest = Portal.Models.ModelManifest.Load(Path.Combine(RepositoryPaths.Models, "manifest.json")).FindById(id)!;
        Assert.Equal(manifest.Parameters, network.ParameterCount);
    }

    [Fact]
    public void A_network_of_another_size_is_refused_naming_the_mismatch()
    {
        var path = Path.Combine(RepositoryPaths.Models, "realesr-animevideov3-x4.onnx");
        using var network = new SrvggCompact(features: 64, convolutions: 32, scale: 4);
        var error = Assert.Throws<TrainingException>(() => network.LoadOnnx(File.ReadAllBytes(path), "realesr-animevideov3-x4.onnx"));
        Assert.Contains("has 35 convolution and PReLU layers", error.Message);
        Assert.Contains("has 67", error.Message);
    }

    [Fact]
    public void Exported_weights_load_back_into_an_identical_network()
    {
        random.manual_seed(11);
        using var original = new RrdbNet(features: 8, blocks: 1, growth: 4, scale: 4);
        random.manual_seed(12);
        using var copy = new RrdbNet(features: 8, blocks: 1, growth: 4, scale: 4);
        static float[] Weights(SuperResolutionNetwork n) => n.parameters().SelectMany(p => p.data<float>().ToArray()).ToArray();
        Assert.NotEqual(Weights(original), Weights(copy));
        copy.LoadOnnx(original.ToOnnx("roundtrip"), "roundtrip");
        Assert.Equal(Weights(original), Weights(copy));
    }

    internal static RgbImage RandomImage(int width, int height, int seed)
    {
        var random = new Random(seed);
        var planes = new float[3 * width * height];
        for (var i = 0; i < planes.Length; i++)
        {
            planes[i] = (float)random.NextDouble();
        }
        return new RgbImage(width, height, planes);
    }

    private static float[] TorchForward(SuperResolutionNetwork network, RgbImage image)
    {
        using var _ = no_grad();
        using var input = tensor(image.Planes).reshape(1, 3, image.Height, image.Width);
        using var output = network.call(input).clamp(0, 1);
        return output.data<float>().ToArray();
    }
}
