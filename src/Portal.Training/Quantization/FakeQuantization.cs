using Portal.Models.Evaluation;
using Portal.Models.Quantization;
using Portal.Training.Architectures;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Portal.Training.Quantization;

/// <summary>
/// Ranges of the activations the quantizer rounds in an SRVGG-compact: <c>Inputs[k]</c> is what convolution k
/// reads (the image for k = 0, PReLU k-1's output after), <c>Outputs[k]</c> what it writes. The last convolution
/// stays in float (the quantizer's default), so both lists have one entry per other convolution.
/// </summary>
public sealed record ActivationRanges(IReadOnlyList<(float Min, float Max)> Inputs, IReadOnlyList<(float Min, float Max)> Outputs);

/// <summary>
/// The forward pass of <c>models quantize</c>'s QDQ rewrite of an SRVGG-compact, simulated in float so it can be
/// trained: per-tensor uint8 activations at every integer convolution's input and output, per-output-channel
/// symmetric weights, int32 biases at (input scale x weight scale), PReLU in float between a dequantize and a
/// quantize, the last convolution in float. Rounding passes gradients straight through inside the range; the
/// ranges themselves may be learned (their gradient trades clipping against rounding, as in LSQ).
/// </summary>
public static class FakeQuantization
{
    /// <summary>The quantizer's own calibration (<see cref="ModelQuantizer.Tiles"/> of the images, min/max or per-tile percentile) of the float network.</summary>
    public static ActivationRanges Calibrate(SrvggCompact network, IReadOnlyList<RgbImage> images, double percentile = 1.0)
    {
        var model = new FloatModel(network.ToOnnx("calibration"));
        var names = ActivationNames(model, network);
        var tiles = images.SelectMany(i => ModelQuantizer.Tiles(i, ModelQuantizer.CalibrationTileSize)).ToList();
        var ranges = ActivationCalibrator.Calibrate(model, names, tiles, percentile);
        return new ActivationRanges(
            names.Where((_, i) => i % 2 == 0).Select(n => ranges[n]).ToList(),
            names.Where((_, i) => i % 2 == 1).Select(n => ranges[n]).ToList());
    }

    /// <summary>The int8 QDQ model of the network with exactly these ranges (what <c>Forward</c> simulates).</summary>
    public static byte[] Int8Onnx(SrvggCompact network, ActivationRanges ranges, int weightBits, string modelName)
    {
        var model = new FloatModel(network.ToOnnx(modelName));
        var names = ActivationNames(model, network);
        var byName = names.Select((n, i) => (n, i % 2 == 0 ? ranges.Inputs[i / 2] : ranges.Outputs[i / 2])).ToDictionary(p => p.n, p => p.Item2, StringComparer.Ordinal);
        return QdqQuantizer.Quantize(model, byName, Options(weightBits));
    }

    /// <summary>The quantizer's options that this simulation follows (everything else at its defaults: last convolution in float).</summary>
    public static QuantizationOptions Options(int weightBits) => new(WeightBits: weightBits, TargetPsnr: 1);

    /// <summary>The int8 model's output (unclipped), with gradients for the float weights and for the range tensors ([n,2] min/max rows) when they require them.</summary>
    public static Tensor Forward(SrvggCompact network, Tensor input, Tensor inputRanges, Tensor outputRanges, int weightBits)
    {
        using var scope = NewDisposeScope();
        var (convs, prelus) = Layers(network);
        if (inputRanges.shape[0] != convs.Count - 1 || outputRanges.shape[0] != convs.Count - 1)
        {
            throw new TrainingException($"The activation ranges cover {inputRanges.shape[0]} convolutions; the network quantizes {convs.Count - 1}.");
        }
        var (image, scale) = Activation(input, inputRanges[0]);
        var x = image;
        for (var k = 0; k < convs.Count - 1; k++)
        {
            if (k > 0)
            {
                (x, scale) = Activation(x, inputRanges[k]);
            }
            var (weight, weightScale) = Weight(convs[k].weight!, weightBits);
            var bias = Bias(convs[k].bias!, weightScale.flatten() * scale.detach());
            (x, _) = Activation(nn.functional.conv2d(x, weight, bias, padding: [1, 1]), outputRanges[k]);
            x = Prelu(x, prelus[k]);
        }
        x = convs[^1].call(x);
        var factor = network.Scale;
        var upscaled = nn.functional.pixel_shuffle(x, factor);
        var baseImage = nn.functional.interpolate(image, scale_factor: [factor, factor], mode: InterpolationMode.Nearest);
        return (upscaled + baseImage).MoveToOuterDisposeScope();
    }

    /// <summary>The simulated int8 output with fixed ranges.</summary>
    public static Tensor Forward(SrvggCompact network, Tensor input, ActivationRanges ranges, int weightBits)
    {
        using var inputs = RangeTensor(ranges.Inputs);
        using var outputs = RangeTensor(ranges.Outputs);
        return Forward(network, input, inputs, outputs, weightBits);
    }

    public static Tensor RangeTensor(IReadOnlyList<(float Min, float Max)> ranges) =>
        tensor(ranges.SelectMany(r => new[] { r.Min, r.Max }).ToArray()).reshape(ranges.Count, 2);

    /// <summary>
    /// uint8 quantize-dequantize with the quantizer's scale ((max - min) / 255, the range widened to hold 0) and zero
    /// point; gradient 1 inside the range and 0 outside for x, LSQ's for the range.
    /// </summary>
    public static (Tensor Values, Tensor Scale) Activation(Tensor x, Tensor range)
    {
        var (scale, zeroPoint) = Scale(range);
        var scaled = x / scale;
        var rounded = scaled + (scaled.detach().round() - scaled.detach());
        var quantized = (rounded + zeroPoint).clamp(0, 255);
        return ((quantized - zeroPoint) * scale, scale);
    }

    private static (Tensor Scale, Tensor ZeroPoint) Scale(Tensor range)
    {
        var low = range[0].clamp_max(0);
        var high = range[1].clamp_min(0);
        var scale = (high - low) / 255f;
        var zeroPoint = (-low.detach() / scale.detach()).round().clamp(0, 255);
        return (scale, zeroPoint);
    }

    /// <summary>Per-output-channel symmetric weights of <paramref name="bits"/> bits (the quantizer's); returns the rounded weights and each channel's scale [C,1,1,1].</summary>
    public static (Tensor Weight, Tensor Scale) Weight(Tensor weight, int bits)
    {
        var qmax = (1 << (bits - 1)) - 1;
        var maxAbs = weight.detach().abs().amax([1, 2, 3], keepdim: true);
        var scale = where(maxAbs > 0, maxAbs / qmax, ones_like(maxAbs));
        using var rounded = weight.detach().div(scale).round_().clamp_(-qmax, qmax).mul_(scale);
        return (weight + (rounded - weight).detach(), scale);
    }

    /// <summary>int32 bias at the given per-channel scale, as QLinearConv adds it to the accumulator.</summary>
    private static Tensor Bias(Tensor bias, Tensor scale)
    {
        using var rounded = bias.detach().div(scale).round_().mul_(scale);
        return bias + (rounded - bias).detach();
    }

    private static Tensor Prelu(Tensor x, PReLU prelu) => x.clamp_min(0) + (prelu.weight!.reshape(1, -1, 1, 1) * x.clamp_max(0));

    private static (List<Conv2d> Convs, List<PReLU> Prelus) Layers(SrvggCompact network)
    {
        var layers = network.WeightedLayers;
        return (layers.OfType<Conv2d>().ToList(), layers.OfType<PReLU>().ToList());
    }

    /// <summary>The quantizer's activation tensors of the exported graph: input and output of each integer convolution, alternating.</summary>
    private static IReadOnlyList<string> ActivationNames(FloatModel model, SrvggCompact network)
    {
        var names = QdqQuantizer.ActivationsToQuantize(model, Options(8));
        var expected = 2 * (Layers(network).Convs.Count - 1);
        return names.Count == expected ? names
            : throw new TrainingException($"The quantizer rounds {names.Count} activations of this SRVGG-compact; the simulation expects {expected}.");
    }

    /// <summary>[1,3,H,W] from an image's planes.</summary>
    public static Tensor ImageTensor(RgbImage image) => tensor(image.Planes).reshape(1, 3, image.Height, image.Width);
}
