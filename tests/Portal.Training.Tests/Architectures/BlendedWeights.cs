using Portal.Training.Architectures;
using static TorchSharp.torch;

namespace Portal.Training.Tests.Architectures;

/// <summary>Network interpolation (<see cref="WeightBlend"/>): every weight of the blend lies at the given share between start and fine-tune.</summary>
public sealed class BlendedWeights
{
    private static readonly ArchitectureRecipe Small = new() { Type = ArchitectureKind.SrvggCompact, Scale = 2, Features = 6, Convolutions = 2 };

    [Theory]
    [InlineData(0.0)]
    [InlineData(0.3)]
    [InlineData(1.0)]
    public void Each_weight_of_the_blend_is_the_share_between_start_and_fine_tune(double weight)
    {
        random.manual_seed(11);
        using var start = Small.Create();
        using var tuned = Small.Create();
        var blend = WeightBlend.Blend(Small, start.ToOnnx("start"), "start.onnx", tuned.ToOnnx("tuned"), "tuned.onnx", weight, "blend");

        using var loaded = Small.Create();
        loaded.LoadOnnx(blend, "blend.onnx");
        var compared = 0L;
        foreach (var ((a, b), c) in start.parameters().Zip(tuned.parameters()).Zip(loaded.parameters()))
        {
            using var expected = a * (1 - weight) + b * weight;
            var worst = (expected - c).abs().max().item<float>();
            Assert.True(worst <= 1e-6, $"a weight differs from the blend by {worst:E2}");
            compared += c.numel();
        }
        Assert.Equal(start.ParameterCount, compared);
        // The two random starts differ, so a blend that ignored the weight would fail at 0 or 1.
        Assert.Contains(start.parameters().Zip(tuned.parameters()), p => !p.First.allclose(p.Second));
    }

    [Theory]
    [InlineData(-0.1)]
    [InlineData(1.5)]
    [InlineData(double.NaN)]
    public void A_weight_outside_0_to_1_is_refused(double weight)
    {
        using var network = Small.Create();
        var onnx = network.ToOnnx("n");
        var error = Assert.Throws<TrainingException>(() => WeightBlend.Blend(Small, onnx, "a.onnx", onnx, "b.onnx", weight, "blend"));
        Assert.Contains("between 0 (the start) and 1", error.Message);
    }

    [Fact]
    public void A_fine_tune_of_another_architecture_is_refused_by_name()
    {
        using var start = Small.Create();
        using var other = (Small with { Convolutions = 3 }).Create();
        var error = Assert.Throws<TrainingException>(() =>
            WeightBlend.Blend(Small, start.ToOnnx("start"), "start.onnx", other.ToOnnx("other"), "other.onnx", 0.5, "blend"));
        Assert.Contains("other.onnx", error.Message);
    }

    [Fact]
    public void A_start_of_a_larger_scale_is_shrunk_as_training_shrank_it()
    {
        random.manual_seed(12);
        using var largerStart = (SrvggCompact)(Small with { Scale = 4 }).Create();
        using var tuned = Small.Create();
        // Weight 0 is the start alone: the x4 model followed by the 2x2 area shrink the run began from.
        var blend = WeightBlend.Blend(Small, largerStart.ToOnnx("start"), "start.onnx", tuned.ToOnnx("tuned"), "tuned.onnx", 0, "blend", startScale: 4);

        using var expected = largerStart.AreaShrunk(2);
        using var loaded = Small.Create();
        loaded.LoadOnnx(blend, "blend.onnx");
        foreach (var (a, b) in expected.parameters().Zip(loaded.parameters()))
        {
            var worst = (a - b).abs().max().item<float>();
            Assert.True(worst <= 1e-6, $"a weight differs from the shrunk start by {worst:E2}");
        }
        Assert.Equal(expected.ParameterCount, loaded.ParameterCount);
    }
}
