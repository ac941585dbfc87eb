using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;
using Portal.Models.Evaluation;
using Portal.Models.Onnx;

namespace Portal.Models.Quantization;

/// <summary>
/// Cross-layer equalization: rescales the channels between a convolution and the convolutions that
/// read it through a ReLU, LeakyReLU or PReLU, so that one per-tensor uint8 range suits every
/// channel. Those activations are positively homogeneous per channel (f(x / s) = f(x) / s for s &gt; 0),
/// so dividing output channel c of the producer (weights and bias) by s_c and multiplying input
/// channel c of every consumer by s_c leaves the float function unchanged. The consumers may be
/// reached through concats (RRDB dense blocks: every consumer of the channel is scaled alike) and
/// nearest resizes; a channel that also reaches anything else (a residual add, the output) is left alone.
/// </summary>
internal static class CrossLayerEqualizer
{
    private const int Iterations = 6;

    /// <summary>One producer convolution and the input channels of its consumers that read each of its output channels.</summary>
    /// <param name="Uses">Consumer convolution and the channel offset of the producer's output in that consumer's input.</param>
    internal sealed record Group(OnnxNode Producer, string PreActivation, IReadOnlyList<(OnnxNode Conv, int Offset)> Uses);

    /// <summary>
    /// The equalized float model. With <paramref name="tiles"/>, each channel's share is balanced
    /// on its calibrated activation range (what the per-tensor uint8 grid has to hold); without, on
    /// the producer's weight range (data-free).
    /// </summary>
    public static byte[] Equalize(byte[] onnx, IReadOnlyList<RgbImage>? tiles, Action<string>? log = null)
    {
        var model = new FloatModel(onnx);
        var groups = FindGroups(model);
        if (groups.Count == 0)
        {
            return onnx;
        }
        var weights = new Dictionary<string, float[]>(StringComparer.Ordinal);
        var dims = new Dictionary<string, long[]>(StringComparer.Ordinal);
        foreach (var conv in groups.Select(g => g.Producer).Concat(groups.SelectMany(g => g.Uses.Select(u => u.Conv))).Distinct())
        {
            weights[conv.Name] = (float[])model.Constants[conv.Inputs[1]].Clone();
            dims[conv.Name] = WeightDims(model, conv);
        }
        var biases = groups.Select(g => g.Producer).Distinct().Where(c => c.Inputs.Length > 2)
            .ToDictionary(c => c.Name, c => (float[])model.Constants[c.Inputs[2]].Clone(), StringComparer.Ordinal);
        var activationRanges = tiles is { Count: > 0 } ? ChannelRanges(model, groups.Select(g => g.PreActivation).ToList(), tiles) : null;

        for (var iteration = 0; iteration < Iterations; iteration++)
        {
            var largest = 1.0;
            foreach (var group in groups)
            {
                var producer = group.Producer.Name;
                var outChannels = (int)dims[producer][0];
                var producerRanges = activationRanges?[group.PreActivation] ?? OutputChannelRanges(weights[producer], outChannels);
                var consumerRanges = new float[outChannels];
                foreach (var (conv, offset) in group.Uses)
                {
                    var columns = InputChannelRanges(weights[conv.Name], dims[conv.Name]);
                    for (var c = 0; c < outChannels; c++)
                    {
                        consumerRanges[c] = Math.Max(consumerRanges[c], columns[offset + c]);
                    }
                }
                for (var c = 0; c < outChannels; c++)
                {
                    if (producerRanges[c] <= 0 || consumerRanges[c] <= 0)
                    {
                        continue;
                    }
                    // Equal ranges on both sides of the activation: r1 / s = r2 * s.
                    var s = (float)Math.Clamp(Math.Sqrt(producerRanges[c] / consumerRanges[c]), 1e-3, 1e3);
                    largest = Math.Max(largest, Math.Max(s, 1 / s));
                    ScaleOutputChannel(weights[producer], outChannels, c, 1 / s);
                    if (biases.TryGetValue(producer, out var bias))
                    {
                        bias[c] /= s;
                    }
                    producerRanges[c] /= s;
                    foreach (var (conv, offset) in group.Uses)
                    {
                        ScaleInputChannel(weights[conv.Name], dims[conv.Name], offset + c, s);
                    }
                }
            }
            log?.Invoke($"Equalization pass {iteration + 1}: largest channel rescale {largest:F3}x over {groups.Count} convolution pairs.");
            if (largest < 1.01)
            {
                break;
            }
        }
        return Rewrite(model, weights, dims, biases);
    }

    /// <summary>Producer convolutions whose output channels may be rescaled, each with every convolution that reads them.</summary>
    internal static List<Group> FindGroups(FloatModel model)
    {
        var channels = ChannelCounts(model);
        var groups = new List<Group>();
        foreach (var producer in model.Graph.Nodes.Where(n => IsPlainConv(model, n)))
        {
            if (model.Consumers.GetValueOrDefault(producer.Outputs[0]) is not [var activation]
                || !IsHomogeneous(model, activation, (int)WeightDims(model, producer)[0]))
            {
                continue;
            }
            var uses = new List<(OnnxNode, int)>();
            if (Reaches(model, activation.Outputs[0], 0, channels, uses) && uses.Count > 0)
            {
                groups.Add(new Group(producer, producer.Outputs[0], uses));
            }
        }
        return groups;
    }

    /// <summary>Follows a tensor through concats and nearest resizes; true when every path ends in the data input of a plain convolution.</summary>
    private static bool Reaches(FloatModel model, string tensor, int offset, Dictionary<string, int> channels, List<(OnnxNode, int)> uses)
    {
        if (model.Graph.Outputs.Any(o => o.Name == tensor))
        {
            return false;
        }
        foreach (var consumer in model.Consumers.GetValueOrDefault(tensor) ?? [])
        {
            switch (consumer.OpType)
            {
                case "Conv" when IsPlainConv(model, consumer) && consumer.Inputs[0] == tensor && !consumer.Inputs.Skip(1).Contains(tensor):
                    uses.Add((consumer, offset));
                    break;
                case "Concat" when consumer.Attributes.FirstOrDefault(a => a.Name == "axis")?.Int == 1 && consumer.Inputs.Count(i => i == tensor) == 1:
                {
                    var before = 0;
                    foreach (var input in consumer.Inputs.TakeWhile(i => i != tensor))
                    {
                        if (!channels.TryGetValue(input, out var count))
                        {
                            return false;
                        }
                        before += count;
                    }
                    if (!Reaches(model, consumer.Outputs[0], offset + before, channels, uses))
                    {
                        return false;
                    }
                    break;
                }
                case "Resize" when consumer.Inputs[0] == tensor && consumer.Attributes.Any(a => a.Name == "mode" && a.Text == "nearest"):
                    if (!Reaches(model, consumer.Outputs[0], offset, channels, uses))
                    {
                        return false;
                    }
                    break;
                default:
                    return false;
            }
        }
        return true;
    }

    /// <summary>A 2-D convolution over all channels (no groups) with constant weights.</summary>
    private static bool IsPlainConv(FloatModel model, OnnxNode node) =>
        node.OpType == "Conv"
        && model.Constants.ContainsKey(node.Inputs[1])
        && (node.Inputs.Length < 3 || model.Constants.ContainsKey(node.Inputs[2]))
        && node.Attributes.FirstOrDefault(a => a.Name == "group")?.Int is null or 1;

    /// <summary>ReLU, LeakyReLU, or PReLU with one slope or one per channel: each commutes with a positive per-channel scale.</summary>
    private static bool IsHomogeneous(FloatModel model, OnnxNode node, int channels) => node.OpType switch
    {
        "Relu" or "LeakyRelu" => true,
        "PRelu" => model.Constants.TryGetValue(node.Inputs[1], out var slope) && (slope.Length == 1 || slope.Length == channels),
        _ => false,
    };

    /// <summary>Channel counts of the tensors a concat may join, from the convolutions' weight shapes.</summary>
    private static Dictionary<string, int> ChannelCounts(FloatModel model)
    {
        var channels = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var (name, inputDims) in model.Graph.Inputs)
        {
            if (inputDims.Length == 4 && inputDims[1] is long or int)
            {
                channels[name] = Convert.ToInt32(inputDims[1], System.Globalization.CultureInfo.InvariantCulture);
            }
        }
        foreach (var node in model.Graph.Nodes)
        {
            int? count = node.OpType switch
            {
                "Conv" when model.Constants.ContainsKey(node.Inputs[1]) => (int)WeightDims(model, node)[0],
                "Relu" or "LeakyRelu" or "PRelu" or "Resize" or "Add" or "Mul" => channels.TryGetValue(node.Inputs[0], out var c) ? c : null,
                "Concat" => node.Inputs.All(channels.ContainsKey) ? node.Inputs.Sum(i => channels[i]) : null,
                _ => null,
            };
            if (count is { } known)
            {
                channels[node.Outputs[0]] = known;
            }
        }
        return channels;
    }

    /// <summary>Largest magnitude per channel of each tensor over the tiles.</summary>
    private static Dictionary<string, float[]> ChannelRanges(FloatModel model, IReadOnlyList<string> tensors, IReadOnlyList<RgbImage> tiles)
    {
        var calibrationModel = QdqQuantizer.CalibrationModel(model, tensors);
        using var options = new SessionOptions { IntraOpNumThreads = Environment.ProcessorCount };
        using var session = new InferenceSession(calibrationModel, options);
        var ranges = new Dictionary<string, float[]>(StringComparer.Ordinal);
        foreach (var tile in tiles)
        {
            var input = new DenseTensor<float>(tile.Planes, [1, 3, tile.Height, tile.Width]);
            using var results = session.Run([NamedOnnxValue.CreateFromTensor("input", input)], tensors);
            foreach (var result in results)
            {
                var tensor = (DenseTensor<float>)result.AsTensor<float>();
                var count = tensor.Dimensions[1];
                var area = tensor.Dimensions[2] * tensor.Dimensions[3];
                var values = tensor.Buffer.Span;
                var range = ranges.TryGetValue(result.Name, out var known) ? known : ranges[result.Name] = new float[count];
                for (var c = 0; c < count; c++)
                {
                    foreach (var v in values.Slice(c * area, area))
                    {
                        range[c] = Math.Max(range[c], Math.Abs(v));
                    }
                }
            }
        }
        return ranges;
    }

    private static float[] OutputChannelRanges(float[] weights, int outChannels)
    {
        var perChannel = weights.Length / outChannels;
        var ranges = new float[outChannels];
        for (var c = 0; c < outChannels; c++)
        {
            foreach (var w in weights.AsSpan(c * perChannel, perChannel))
            {
                ranges[c] = Math.Max(ranges[c], Math.Abs(w));
            }
        }
        return ranges;
    }

    private static float[] InputChannelRanges(float[] weights, long[] dims)
    {
        int outChannels = (int)dims[0], inChannels = (int)dims[1], kernel = (int)(dims[2] * dims[3]);
        var ranges = new float[inChannels];
        for (var o = 0; o < outChannels; o++)
        {
            for (var i = 0; i < inChannels; i++)
            {
                foreach (var w in weights.AsSpan(((o * inChannels) + i) * kernel, kernel))
                {
                    ranges[i] = Math.Max(ranges[i], Math.Abs(w));
                }
            }
        }
        return ranges;
    }

    private static void ScaleOutputChannel(float[] weights, int outChannels, int channel, float factor)
    {
        foreach (ref var w in weights.AsSpan(channel * (weights.Length / outChannels), weights.Length / outChannels))
        {
            w *= factor;
        }
    }

    private static void ScaleInputChannel(float[] weights, long[] dims, int channel, float factor)
    {
        int outChannels = (int)dims[0], inChannels = (int)dims[1], kernel = (int)(dims[2] * dims[3]);
        for (var o = 0; o < outChannels; o++)
        {
            foreach (ref var w in weights.AsSpan(((o * inChannels) + channel) * kernel, kernel))
            {
                w *= factor;
            }
        }
    }

    private static long[] WeightDims(FloatModel model, OnnxNode conv) =>
        QdqQuantizer.WeightDims(model, conv.Inputs[1], model.Constants[conv.Inputs[1]].Length, null);

    /// <summary>The same graph with the rescaled weights as float32 initializers; the compact weight chains they replace fall away.</summary>
    private static byte[] Rewrite(FloatModel model, Dictionary<string, float[]> weights, Dictionary<string, long[]> dims, Dictionary<string, float[]> biases)
    {
        var source = model.Graph;
        var target = new OnnxGraph(source.Name);
        foreach (var (inputName, inputDims) in source.Inputs)
        {
            target.AddInput(inputName, inputDims);
        }
        var newInitializers = new List<OnnxTensor>();
        var nodes = new List<OnnxNode>();
        foreach (var node in source.Nodes)
        {
            if (node.OpType == "Conv" && weights.TryGetValue(node.Name, out var w))
            {
                var inputs = (string[])node.Inputs.Clone();
                inputs[1] = node.Name + "_weight_equalized";
                newInitializers.Add(OnnxTensor.FromFloats(inputs[1], dims[node.Name], w));
                if (biases.TryGetValue(node.Name, out var b))
                {
                    inputs[2] = node.Name + "_bias_equalized";
                    newInitializers.Add(OnnxTensor.FromFloats(inputs[2], [b.Length], b));
                }
                nodes.Add(node with { Inputs = inputs });
            }
            else
            {
                nodes.Add(node);
            }
        }
        QdqQuantizer.CopyLiveParts(source, target, nodes, newInitializers);
        return target.ToBytes();
    }
}
