using Portal.Engine.Tests.Support;
using Portal.Models.Evaluation;
using Portal.Models.Onnx;
using Portal.Models.Quantization;

namespace Portal.Engine.Tests.Quantization;

/// <summary>
/// Cross-layer equalization on a small generated network whose channels are deliberately
/// unbalanced (one activation channel 500 times wider than another): the float function must not
/// change, and the int8 model must get closer to float32 for it.
/// </summary>
public sealed class CrossLayerEqualization
{
    private static readonly Lazy<byte[]> Unbalanced = new(UnbalancedNetwork);

    private static readonly Lazy<List<RgbImage>> Calibration = new(() =>
        [RgbImage.Load(Path.Combine(RepoPaths.Models, "calibration", "fruits.png")), RgbImage.Load(Path.Combine(RepoPaths.Models, "calibration", "board.png"))]);

    [Fact]
    public void Every_conv_activation_conv_chain_is_found_including_the_one_through_a_concat()
    {
        var groups = CrossLayerEqualizer.FindGroups(new FloatModel(Unbalanced.Value));

        // conv0 -> PReLU -> conv1 and (through the concat, at offset 8) conv2; conv1 -> LeakyReLU -> concat -> conv2;
        // conv2 -> ReLU -> conv3. conv3 feeds the depth-to-space: nothing to rescale after it.
        Assert.Equal(["conv0", "conv1", "conv2"], groups.Select(g => g.Producer.Name));
        Assert.Equal([("conv1", 0), ("conv2", 8)], groups[0].Uses.Select(u => (u.Conv.Name, u.Offset)));
        Assert.Equal([("conv2", 0)], groups[1].Uses.Select(u => (u.Conv.Name, u.Offset)));
    }

    [Theory]
    [InlineData(Equalization.Weights)]
    [InlineData(Equalization.Activations)]
    public void The_equalized_float_model_computes_the_same_function(Equalization equalization)
    {
        var equalized = CrossLayerEqualizer.Equalize(Unbalanced.Value, equalization == Equalization.Activations ? Tiles() : null);
        var image = ModelQuantizer.Crop(RgbImage.Load(Path.Combine(RepoPaths.Models, "evaluation", "photos", "coffee.png")), 64, 64, 80, 72);
        using var original = new OnnxUpscaler(Unbalanced.Value);
        using var rescaled = new OnnxUpscaler(equalized);

        var expected = original.Upscale(image).Planes;
        var actual = rescaled.Upscale(image).Planes;

        Assert.NotEqual(Unbalanced.Value, equalized);
        Assert.Equal(expected.Length, actual.Length);
        var largest = expected.Zip(actual, (a, b) => Math.Abs(a - b)).Max();
        Assert.True(largest < 1e-4, $"largest difference {largest}");
        // And the point of it: the first convolution's output channels now span a far narrower range of weights.
        Assert.True(Spread(equalized, "conv0") < Spread(Unbalanced.Value, "conv0") / 20,
            $"channel range spread {Spread(Unbalanced.Value, "conv0"):F1}x before, {Spread(equalized, "conv0"):F1}x after");
    }

    [Fact]
    public void Equalizing_before_quantizing_brings_the_int8_model_closer_to_float32()
    {
        var options = new QuantizationOptions(TargetPsnr: 1);
        var plain = ModelQuantizer.Quantize(Unbalanced.Value, Calibration.Value, options);
        var equalized = ModelQuantizer.Quantize(Unbalanced.Value, Calibration.Value, options with { Equalization = Equalization.Activations });

        Assert.Equal(plain.IntegerConvs, equalized.IntegerConvs);
        Assert.True(equalized.CalibrationPsnr > plain.CalibrationPsnr + 6,
            $"int8 vs float32: {plain.CalibrationPsnr:F2} dB as given, {equalized.CalibrationPsnr:F2} dB equalized");
    }

    private static List<RgbImage> Tiles() => [.. Calibration.Value.SelectMany(i => ModelQuantizer.Tiles(i, ModelQuantizer.CalibrationTileSize))];

    /// <summary>Largest over smallest per-output-channel weight magnitude of a convolution.</summary>
    private static double Spread(byte[] onnx, string conv)
    {
        var model = new FloatModel(onnx);
        var node = model.Graph.Nodes.Single(n => n.Name == conv);
        var weights = model.Constants[node.Inputs[1]];
        var outChannels = (int)QdqQuantizer.WeightDims(model, node.Inputs[1], weights.Length, null)[0];
        var ranges = weights.Chunk(weights.Length / outChannels).Select(c => c.Max(Math.Abs)).ToList();
        return ranges.Max() / ranges.Min();
    }

    /// <summary>
    /// input -> conv0 (3->8) -> PReLU -> conv1 (8->8) -> LeakyReLU -> concat with the PReLU output -> conv2 (16->12)
    /// -> ReLU -> conv3 (12->12) -> depth-to-space x2. conv0's output channels are scaled by 0.02 ... 10 and conv1's and
    /// conv2's matching input channels by the inverse, so the function is an ordinary one but the activation channels
    /// between them differ in range by a factor of 500.
    /// </summary>
    private static byte[] UnbalancedNetwork()
    {
        var random = new Random(7);
        float[] Weights(int count, double fanIn) => [.. Enumerable.Range(0, count).Select(_ => (float)((random.NextDouble() * 2 - 1) * Math.Sqrt(3.0 / fanIn)))];
        float[] Biases(int count) => [.. Enumerable.Range(0, count).Select(_ => (float)((random.NextDouble() - 0.5) * 0.1))];
        float[] unbalance = [0.02f, 0.05f, 0.1f, 0.3f, 1f, 3f, 6f, 10f];

        var w0 = Weights(8 * 3 * 9, 27);
        var b0 = Biases(8);
        var w1 = Weights(8 * 8 * 9, 72);
        var w2 = Weights(12 * 16 * 9, 144);
        for (var c = 0; c < 8; c++)
        {
            for (var i = 0; i < 27; i++)
            {
                w0[(c * 27) + i] *= unbalance[c];
            }
            b0[c] *= unbalance[c];
            for (var o = 0; o < 8; o++)
            {
                for (var k = 0; k < 9; k++)
                {
                    w1[(((o * 8) + c) * 9) + k] /= unbalance[c];
                }
            }
            for (var o = 0; o < 12; o++)
            {
                for (var k = 0; k < 9; k++)
                {
                    w2[(((o * 16) + 8 + c) * 9) + k] /= unbalance[c];
                }
            }
        }

        var graph = new OnnxGraph("unbalanced");
        var input = graph.AddInput("input", 1L, 3L, "height", "width");
        string Conv(string name, string x, float[] w, long cout, long cin, float[] b) =>
            graph.AddNode("Conv", name, [x, graph.AddInitializer(OnnxTensor.FromFloats(name + "_kernel", [cout, cin, 3, 3], w)),
                graph.AddInitializer(OnnxTensor.FromFloats(name + "_offset", [cout], b))],
                OnnxAttribute.Of("kernel_shape", new long[] { 3, 3 }), OnnxAttribute.Of("pads", new long[] { 1, 1, 1, 1 }));
        var x0 = graph.AddNode("PRelu", "prelu0", [Conv("conv0", input, w0, 8, 3, b0),
            graph.AddInitializer(OnnxTensor.FromFloats("slope0", [8, 1, 1], [0.1f, 0.2f, 0.05f, 0.25f, 0.15f, 0.3f, 0.1f, 0.2f]))]);
        var x1 = graph.AddNode("LeakyRelu", "leaky1", [Conv("conv1", x0, w1, 8, 8, Biases(8))], OnnxAttribute.Of("alpha", 0.2f));
        var joined = graph.AddNode("Concat", "concat", [x1, x0], OnnxAttribute.Of("axis", 1L));
        var x2 = graph.AddNode("Relu", "relu2", [Conv("conv2", joined, w2, 12, 16, Biases(12))]);
        var x3 = Conv("conv3", x2, Weights(12 * 12 * 9, 108), 12, 12, [.. Enumerable.Repeat(0.5f, 12)]);
        graph.AddNodeWithOutput("DepthToSpace", "output", [x3], OnnxAttribute.Of("blocksize", 2L), OnnxAttribute.Of("mode", "CRD"));
        graph.AddOutput("output", 1L, 3L, "out_height", "out_width");
        return graph.ToBytes();
    }
}
