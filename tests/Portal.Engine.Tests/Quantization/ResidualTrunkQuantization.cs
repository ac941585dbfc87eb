using Portal.Engine.Tests.Support;
using Portal.Models.Evaluation;
using Portal.Models.Onnx;
using Portal.Models.Quantization;

namespace Portal.Engine.Tests.Quantization;

/// <summary>
/// The quantizer's two levers for deep residual networks (realesrgan-x4plus: 351 convolutions, 69 scaled
/// residual additions), on a small generated network of the same shape: convolutions named to stay in float
/// without the per-convolution search, and residual additions that read the float trunk instead of its
/// uint8 rounding.
/// </summary>
public sealed class ResidualTrunkQuantization
{
    private const int Blocks = 12;

    private static readonly Lazy<byte[]> Residual = new(ResidualNetwork);

    private static readonly Lazy<List<RgbImage>> Calibration = new(() =>
        [RgbImage.Load(Path.Combine(RepoPaths.Models, "calibration", "fruits.png")), RgbImage.Load(Path.Combine(RepoPaths.Models, "calibration", "board.png"))]);

    [Fact]
    public void Convolutions_named_to_keep_in_float_keep_float_weights_and_the_others_get_int8()
    {
        var options = new QuantizationOptions(TargetPsnr: 1, KeepFloat: ["block3_b", "first"]);

        var quantized = ModelQuantizer.Quantize(Residual.Value, Calibration.Value, options);

        var graph = OnnxGraph.Read(quantized.Onnx);
        var convs = graph.Nodes.Where(n => n.OpType == "Conv").ToDictionary(n => n.Name);
        // Quantized convs read their weights through a DequantizeLinear of int8; kept ones read the float initializer.
        Assert.Equal("first_kernel", convs["first"].Inputs[1]);
        Assert.Equal("block3_b_kernel", convs["block3_b"].Inputs[1]);
        Assert.Equal("block3_a_w", convs["block3_a"].Inputs[1]);
        Assert.Equal(["block3_b", "first"], quantized.FloatConvs);
        // 2 per block plus the first; the output conv stays float by default and is not counted.
        Assert.Equal((2 * Blocks) + 1 - 2, quantized.IntegerConvs);
        Assert.Equal(quantized.IntegerConvs, graph.Initializers.Count(t => t.DataType == OnnxDataType.Int8 && t.Dims.Length == 4));
    }

    [Fact]
    public void A_name_that_is_not_a_quantizable_convolution_is_refused_by_name()
    {
        var options = new QuantizationOptions(TargetPsnr: 1, KeepFloat: ["block3_b", "conv_missing", "last"]);

        var error = Assert.Throws<ArgumentException>(() => ModelQuantizer.Quantize(Residual.Value, Calibration.Value, options));

        // "last" writes the output and is already float: naming it is as wrong as naming no conv at all.
        Assert.Contains("conv_missing, last", error.Message, StringComparison.Ordinal);
        Assert.Contains("first to block11_b", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void The_coarsest_grid_is_ranked_from_calibrated_ranges_and_root_mean_squares()
    {
        var model = new FloatModel(Residual.Value);
        var convs = QdqQuantizer.QuantizableConvs(model, new QuantizationOptions()).Select(c => c.Name).ToList();
        var tensors = QdqQuantizer.ActivationsToQuantize(model, new QuantizationOptions());
        var ranges = tensors.ToDictionary(t => t, _ => (Min: -1f, Max: 1f), StringComparer.Ordinal);
        var rootMeanSquares = tensors.ToDictionary(t => t, _ => 0.5, StringComparer.Ordinal);
        // block7_b's output: a range set by rare outliers, 40 times its typical size; block2_a's input: typical values tiny.
        ranges["block7_b_out"] = (-40f, 40f);
        rootMeanSquares["trunk1"] = 0.01;

        var ranked = ModelQuantizer.Coarseness(model, ranges, rootMeanSquares, new QuantizationOptions(), convs, new HashSet<string>());

        Assert.Equal(["block2_a", "block7_b"], ranked.Take(2).Select(c => c.Conv).Order(StringComparer.Ordinal));
        Assert.Equal(2 / 255.0 / 0.01, ranked[0].StepOverRms, 6);
        Assert.Equal(2 / 255.0 / 0.5, ranked[^1].StepOverRms, 6);
    }

    [Fact]
    public void Keeping_the_coarsest_leaves_that_many_convolutions_in_float()
    {
        var quantized = ModelQuantizer.Quantize(Residual.Value, Calibration.Value, new QuantizationOptions(TargetPsnr: 1, KeepFloat: ["block0_a"], KeepCoarsest: 3));

        Assert.Equal(4, quantized.FloatConvs.Count);
        Assert.Contains("block0_a", quantized.FloatConvs);
        Assert.Equal((2 * Blocks) + 1 - 4, quantized.IntegerConvs);
        Assert.Equal(quantized.IntegerConvs, OnnxGraph.Read(quantized.Onnx).Initializers.Count(t => t.DataType == OnnxDataType.Int8 && t.Dims.Length == 4));
    }

    [Fact]
    public void Float_residuals_add_the_float_trunk_and_bring_int8_closer_to_float32()
    {
        var options = new QuantizationOptions(TargetPsnr: 1);

        var rounded = ModelQuantizer.Quantize(Residual.Value, Calibration.Value, options);
        var floatTrunk = ModelQuantizer.Quantize(Residual.Value, Calibration.Value, options with { FloatResiduals = true });

        var adds = OnnxGraph.Read(floatTrunk.Onnx).Nodes.Where(n => n.OpType == "Add").ToList();
        Assert.Equal(Blocks, adds.Count);
        Assert.All(adds, add => Assert.DoesNotContain(add.Inputs, i => i.EndsWith("_dq", StringComparison.Ordinal)));
        Assert.All(OnnxGraph.Read(rounded.Onnx).Nodes.Where(n => n.OpType == "Add"), add => Assert.Contains(add.Inputs, i => i.EndsWith("_dq", StringComparison.Ordinal)));
        Assert.Equal(rounded.IntegerConvs, floatTrunk.IntegerConvs);
        Assert.True(floatTrunk.CalibrationPsnr > rounded.CalibrationPsnr + 3,
            $"int8 vs float32: {rounded.CalibrationPsnr:F2} dB with the trunk rounded at every block, {floatTrunk.CalibrationPsnr:F2} dB with float residuals");
    }

    /// <summary>
    /// input -> first (3->8) -> Blocks x [block_a (8->8) -> LeakyReLU 0.2 -> block_b (8->8) -> x0.2 -> add to the trunk]
    /// -> last (8->12) -> depth-to-space x2. The first conv's bias lifts the trunk to a wide range, so its uint8 step is
    /// coarse next to the small scaled updates each block adds, as in RRDBNet's trunk.
    /// </summary>
    private static byte[] ResidualNetwork()
    {
        var random = new Random(11);
        float[] Weights(int count, double fanIn) => [.. Enumerable.Range(0, count).Select(_ => (float)((random.NextDouble() * 2 - 1) * Math.Sqrt(3.0 / fanIn)))];
        float[] Biases(int count, double spread) => [.. Enumerable.Range(0, count).Select(_ => (float)((random.NextDouble() - 0.5) * spread))];

        var graph = new OnnxGraph("residual");
        var input = graph.AddInput("input", 1L, 3L, "height", "width");
        string Conv(string name, string x, long cout, long cin, double biasSpread)
        {
            var output = $"{name}_out";
            graph.AddNode(new OnnxNode("Conv", name, [x, graph.AddInitializer(OnnxTensor.FromFloats(name + "_kernel", [cout, cin, 3, 3], Weights((int)(cout * cin * 9), cin * 9))),
                graph.AddInitializer(OnnxTensor.FromFloats(name + "_offset", [cout], Biases((int)cout, biasSpread)))], [output],
                [OnnxAttribute.Of("kernel_shape", new long[] { 3, 3 }), OnnxAttribute.Of("pads", new long[] { 1, 1, 1, 1 })]));
            return output;
        }
        var trunk = Conv("first", input, 8, 3, 16);
        for (var b = 0; b < Blocks; b++)
        {
            var inner = graph.AddNode("LeakyRelu", $"block{b}_leaky", [Conv($"block{b}_a", trunk, 8, 8, 0.1)], OnnxAttribute.Of("alpha", 0.2f));
            var update = graph.AddNode("Mul", $"block{b}_scaled", [Conv($"block{b}_b", inner, 8, 8, 0.1), graph.AddScalar($"block{b}_beta", 0.2f)]);
            trunk = graph.AddNode("Add", $"trunk{b}", [trunk, update]);
        }
        graph.AddNodeWithOutput("DepthToSpace", "output", [Conv("last", trunk, 12, 8, 0.1)], OnnxAttribute.Of("blocksize", 2L), OnnxAttribute.Of("mode", "CRD"));
        graph.AddOutput("output", 1L, 3L, "out_height", "out_width");
        return graph.ToBytes();
    }
}
