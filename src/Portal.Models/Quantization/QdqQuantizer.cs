using System.Runtime.InteropServices;
using Portal.Models.Onnx;

namespace Portal.Models.Quantization;

/// <summary>How the int8 variant is made.</summary>
/// <param name="WeightBits">
/// 7 keeps every weight in -63..63: on AVX2 without VNNI, ONNX Runtime multiplies uint8
/// activations by int8 weights with <c>vpmaddubsw</c>, which saturates a pair of products at
/// 32767; 7-bit weights can never reach it (255 x 63 x 2 = 32130). 8 uses the full range.
/// </param>
/// <param name="KeepOutputConvFloat">Leave the convolutions that feed the image output in float: their rounding would land directly on the pixels.</param>
/// <param name="Percentile">Clip each activation range to this percentile of its magnitudes (1 = plain min/max).</param>
/// <param name="TargetPsnr">How close (dB, against the float model on the calibration tiles) the int8 model must stay; convolutions are left in float until it does.</param>
/// <param name="ShareConcatRanges">Give a concat's members one range so it copies uint8 as is (cheaper, but coarser for members with narrow ranges).</param>
/// <param name="Uint8Concats">Also keep a concat of mostly quantized tensors in uint8 when a float conv reads it (one wide dequantize instead of one per input).</param>
/// <param name="Equalization">Rescale channels across each convolution/activation/convolution chain before calibrating (see <see cref="CrossLayerEqualizer"/>).</param>
/// <param name="KeepFloat">Convolutions (node names) to leave in float from the start, so the costly search for the layers to keep runs only when they are not enough.</param>
/// <param name="KeepCoarsest">Also leave in float this many convolutions whose input or output the uint8 grid rounds most coarsely (step over the tensor's calibrated RMS): a ranking from the one calibration pass, where measuring each convolution alone would run the model once per convolution.</param>
/// <param name="FloatResiduals">Residual additions read the float tensor, not its uint8 rounding: a deep residual trunk (RRDB: 69 additions) otherwise carries one rounding per block to the output.</param>
public sealed record QuantizationOptions(int WeightBits = 7, bool KeepOutputConvFloat = true, double Percentile = 1.0, double TargetPsnr = 43.0,
    bool ShareConcatRanges = true, bool Uint8Concats = false, Equalization Equalization = Equalization.None,
    IReadOnlyList<string>? KeepFloat = null, bool FloatResiduals = false, int KeepCoarsest = 0);

/// <summary>How channels are balanced before quantizing.</summary>
public enum Equalization
{
    /// <summary>The model as converted.</summary>
    None,

    /// <summary>Data-free: balance each producer's per-channel weight range against its consumers'.</summary>
    Weights,

    /// <summary>Balance each channel's calibrated activation range against its consumers' weight range.</summary>
    Activations,
}

/// <summary>
/// Rewrites a float model into ONNX's QDQ form: per-tensor uint8 activations around every
/// convolution and per-output-channel symmetric int8 weights. ONNX Runtime fuses each
/// DequantizeLinear → Conv → QuantizeLinear into a QLinearConv (integer multiply-adds), and runs
/// Concat/Add between them in whichever form it finds fastest.
/// </summary>
internal static class QdqQuantizer
{
    /// <summary>The activation tensors that get a quantize/dequantize pair, in graph order.</summary>
    public static IReadOnlyList<string> ActivationsToQuantize(FloatModel model, QuantizationOptions options, IReadOnlySet<string>? floatConvs = null)
    {
        var graph = model.Graph;
        var tensors = new List<string>();
        foreach (var conv in QuantizableConvs(model, options).Where(c => floatConvs?.Contains(c.Name) != true))
        {
            AddOnce(tensors, conv.Inputs[0]);
            AddOnce(tensors, ActivatedOutput(conv, model.Consumers));
        }
        // A concat feeding a quantized conv runs on integers only if every one of its inputs is quantized too.
        foreach (var concat in graph.Nodes.Reverse().Where(n => n.OpType == "Concat" && tensors.Contains(n.Outputs[0])))
        {
            foreach (var input in concat.Inputs)
            {
                AddOnce(tensors, input);
            }
        }
        // And a concat of mostly quantized tensors stays in uint8 even when a float conv reads it: one
        // wide dequantize after the concat instead of a dequantize per input and a float copy.
        foreach (var concat in graph.Nodes.Where(n => options.Uint8Concats && n.OpType == "Concat" && n.Inputs.Count(tensors.Contains) * 2 > n.Inputs.Length))
        {
            foreach (var tensor in concat.Inputs.Append(concat.Outputs[0]))
            {
                AddOnce(tensors, tensor);
            }
        }
        return tensors;
    }

    /// <summary>Convolutions with constant weights, less those writing the output when they stay float.</summary>
    public static IReadOnlyList<OnnxNode> QuantizableConvs(FloatModel model, QuantizationOptions options) =>
        model.Graph.Nodes
            .Where(n => n.OpType == "Conv" && model.Constants.ContainsKey(n.Inputs[1]) && !(options.KeepOutputConvFloat && model.OutputConvs.Contains(n)))
            .ToList();

    /// <summary>The float model with every tensor to quantize added as an extra output, for calibration.</summary>
    public static byte[] CalibrationModel(FloatModel model, IReadOnlyList<string> tensors)
    {
        // A fresh copy: the extra outputs must not leak into the model the rewrites start from.
        var graph = OnnxGraph.Read(model.Onnx);
        var existing = graph.Outputs.Select(o => o.Name).ToHashSet(StringComparer.Ordinal);
        foreach (var tensor in tensors.Where(t => !existing.Contains(t)))
        {
            graph.AddOutput(tensor, 1, $"{tensor}_c", $"{tensor}_h", $"{tensor}_w");
        }
        return graph.ToBytes();
    }

    /// <summary>Writes the QDQ model given each activation's calibrated range.</summary>
    /// <param name="floatConvs">Convolutions to leave in float (by node name), e.g. the ones quantization hurts most.</param>
    public static byte[] Quantize(FloatModel model, IReadOnlyDictionary<string, (float Min, float Max)> ranges, QuantizationOptions options,
        IReadOnlySet<string>? floatConvs = null)
    {
        var source = model.Graph;
        var constants = model.Constants;
        var integerConvs = QuantizableConvs(model, options).Select(c => c.Name).Where(c => floatConvs?.Contains(c) != true).ToHashSet(StringComparer.Ordinal);
        (ranges, var concats) = EffectiveRanges(model, ranges, options, floatConvs);
        var target = new OnnxGraph(source.Name);
        foreach (var (inputName, dims) in source.Inputs)
        {
            target.AddInput(inputName, dims);
        }

        var activation = new Dictionary<string, (string Dequantized, float Scale)>(StringComparer.Ordinal);
        var integerConcats = concats.ToHashSet();
        var newNodes = new List<OnnxNode>();
        var newInitializers = new List<OnnxTensor>();
        string Rename(string name) => activation.TryGetValue(name, out var q) ? q.Dequantized : name;

        void QuantizeActivation(string tensor)
        {
            if (!ranges.TryGetValue(tensor, out var range) || activation.ContainsKey(tensor))
            {
                return;
            }
            var (scale, zeroPoint) = ActivationParameters(range.Min, range.Max);
            var scaleName = tensor + "_qscale";
            var zeroName = tensor + "_qzero";
            newInitializers.Add(OnnxTensor.Scalar(scaleName, scale));
            newInitializers.Add(new OnnxTensor(zeroName, OnnxDataType.UInt8, [], [zeroPoint]));
            newNodes.Add(new OnnxNode("QuantizeLinear", tensor + "_q", [tensor, scaleName, zeroName], [tensor + "_q"], []));
            newNodes.Add(new OnnxNode("DequantizeLinear", tensor + "_dq", [tensor + "_q", scaleName, zeroName], [tensor + "_dq"], []));
            activation[tensor] = (tensor + "_dq", scale);
        }

        foreach (var input in source.Inputs)
        {
            QuantizeActivation(input.Name);
        }
        foreach (var node in source.Nodes)
        {
            if (node.OpType == "Conv" && integerConvs.Contains(node.Name)
                && activation.TryGetValue(node.Inputs[0], out var x) && constants.TryGetValue(node.Inputs[1], out var weights))
            {
                newNodes.Add(QuantizedConv(node, x, weights, node.Inputs.Length > 2 ? constants.GetValueOrDefault(node.Inputs[2]) : null,
                    model, options, newNodes, newInitializers));
            }
            else if (integerConcats.Contains(node) && node.Inputs.All(activation.ContainsKey))
            {
                // Its inputs share one scale and zero point, so the concat can move the uint8
                // values as they are: no dequantize, float copy and requantize of a wide tensor.
                var output = node.Outputs[0];
                newNodes.Add(node with { Inputs = node.Inputs.Select(i => i + "_q").ToArray(), Outputs = [output + "_q"], Name = output + "_q" });
                var (scale, _) = ActivationParameters(ranges[output].Min, ranges[output].Max);
                newNodes.Add(new OnnxNode("DequantizeLinear", output + "_dq", [output + "_q", node.Inputs[0] + "_qscale", node.Inputs[0] + "_qzero"], [output + "_dq"], []));
                activation[output] = (output + "_dq", scale);
                continue;
            }
            else if (options.FloatResiduals && node.OpType == "Add")
            {
                // The trunk stays float; only the convolutions and concats reading it see its uint8 rounding.
                newNodes.Add(node);
            }
            else
            {
                newNodes.Add(node with { Inputs = node.Inputs.Select(Rename).ToArray() });
            }
            foreach (var output in node.Outputs)
            {
                QuantizeActivation(output);
            }
        }

        // Keep only what the rewritten graph still uses (the float weight chains fall away).
        CopyLiveParts(source, target, newNodes, newInitializers);
        target.AddMetadata("upscale_portal.precision", $"int8 (uint8 activations, {options.WeightBits}-bit per-channel weights)");
        return target.ToBytes();
    }

    /// <summary>The range each quantized tensor gets in the rewrite (concat members share theirs), and the concats that move uint8 as is.</summary>
    internal static (IReadOnlyDictionary<string, (float Min, float Max)> Ranges, List<OnnxNode> SharedConcats) EffectiveRanges(FloatModel model,
        IReadOnlyDictionary<string, (float Min, float Max)> calibrated, QuantizationOptions options, IReadOnlySet<string>? floatConvs)
    {
        var wanted = ActivationsToQuantize(model, options, floatConvs).ToHashSet(StringComparer.Ordinal);
        var ranges = calibrated.Where(r => wanted.Contains(r.Key)).ToDictionary(r => r.Key, r => r.Value, StringComparer.Ordinal);
        // A shared range must not move a ReLU output's zero point off 0 (ONNX Runtime folds the
        // ReLU into the quantization only then), so only concats whose members agree in sign join.
        var concats = model.Graph.Nodes
            .Where(n => options.ShareConcatRanges && n.OpType == "Concat" && n.Inputs.Append(n.Outputs[0]).All(ranges.ContainsKey))
            .Where(n => n.Inputs.Append(n.Outputs[0]).Select(t => ranges[t].Min < 0).Distinct().Count() == 1)
            .ToList();
        return (ShareConcatRanges(ranges, concats), concats);
    }

    /// <summary>Fills <paramref name="target"/> with the nodes of <paramref name="nodes"/> that reach an output, the initializers they use, and the source's outputs and metadata.</summary>
    internal static void CopyLiveParts(OnnxGraph source, OnnxGraph target, List<OnnxNode> nodes, IEnumerable<OnnxTensor> newInitializers)
    {
        var live = LiveNodes(nodes, source.Outputs.Select(o => o.Name).ToList());
        var used = live.SelectMany(n => n.Inputs).ToHashSet(StringComparer.Ordinal);
        foreach (var tensor in source.Initializers.Concat(newInitializers).Where(t => used.Contains(t.Name)))
        {
            target.AddInitializer(tensor);
        }
        foreach (var node in live)
        {
            target.AddNode(node);
        }
        foreach (var (outputName, dims) in source.Outputs)
        {
            target.AddOutput(outputName, dims);
        }
        foreach (var entry in source.Metadata)
        {
            target.AddMetadata(entry.Key, entry.Value);
        }
    }

    /// <summary>
    /// Gives every tensor joined by a concat (and the concat's result) the union of their ranges,
    /// so the concat needs no requantization. Concats that share inputs form one group.
    /// </summary>
    private static IReadOnlyDictionary<string, (float Min, float Max)> ShareConcatRanges(
        IReadOnlyDictionary<string, (float Min, float Max)> ranges, List<OnnxNode> concats)
    {
        var parent = new Dictionary<string, string>(StringComparer.Ordinal);
        string Find(string x)
        {
            while (parent.TryGetValue(x, out var p) && p != x)
            {
                x = p;
            }
            return x;
        }
        foreach (var concat in concats)
        {
            var root = Find(concat.Outputs[0]);
            parent.TryAdd(root, root);
            foreach (var input in concat.Inputs)
            {
                var other = Find(input);
                if (other != root)
                {
                    parent[other] = root;
                }
            }
        }
        var groups = parent.Keys.GroupBy(Find, StringComparer.Ordinal).ToList();
        var shared = ranges.ToDictionary(p => p.Key, p => p.Value, StringComparer.Ordinal);
        foreach (var group in groups)
        {
            var min = group.Min(t => ranges[t].Min);
            var max = group.Max(t => ranges[t].Max);
            foreach (var tensor in group)
            {
                shared[tensor] = (min, max);
            }
        }
        return shared;
    }

    /// <summary>uint8 asymmetric parameters for a range; the range always contains 0 so zero is exact (padding).</summary>
    internal static (float Scale, byte ZeroPoint) ActivationParameters(float min, float max)
    {
        min = Math.Min(min, 0f);
        max = Math.Max(max, 0f);
        if (max - min < 1e-8f)
        {
            return (1f, 0);
        }
        var scale = (max - min) / 255f;
        var zeroPoint = (byte)Math.Clamp(MathF.Round(-min / scale), 0f, 255f);
        return (scale, zeroPoint);
    }

    private static OnnxNode QuantizedConv(OnnxNode conv, (string Dequantized, float Scale) x, float[] weights, float[]? bias,
        FloatModel model, QuantizationOptions options, List<OnnxNode> nodes, List<OnnxTensor> initializers)
    {
        var dims = WeightDims(model, conv.Inputs[1], weights.Length, bias?.Length);
        var outChannels = (int)dims[0];
        var perChannel = weights.Length / outChannels;
        var qmax = (1 << (options.WeightBits - 1)) - 1;
        var scales = new float[outChannels];
        var quantized = new sbyte[weights.Length];
        for (var c = 0; c < outChannels; c++)
        {
            var slice = weights.AsSpan(c * perChannel, perChannel);
            var maxAbs = 0f;
            foreach (var w in slice)
            {
                maxAbs = Math.Max(maxAbs, Math.Abs(w));
            }
            scales[c] = maxAbs > 0 ? maxAbs / qmax : 1f;
            for (var i = 0; i < perChannel; i++)
            {
                quantized[c * perChannel + i] = (sbyte)Math.Clamp(MathF.Round(slice[i] / scales[c]), -qmax, qmax);
            }
        }

        var name = conv.Name;
        initializers.Add(new OnnxTensor(name + "_wq", OnnxDataType.Int8, dims, MemoryMarshal.AsBytes(quantized.AsSpan()).ToArray()));
        initializers.Add(OnnxTensor.FromFloats(name + "_wscale", [outChannels], scales));
        initializers.Add(new OnnxTensor(name + "_wzero", OnnxDataType.Int8, [outChannels], new byte[outChannels]));
        nodes.Add(new OnnxNode("DequantizeLinear", name + "_w", [name + "_wq", name + "_wscale", name + "_wzero"], [name + "_w"],
            [OnnxAttribute.Of("axis", 0L)]));
        var inputs = new List<string> { x.Dequantized, name + "_w" };

        if (bias is not null)
        {
            // int32 bias at scale (input scale x weight scale), as QLinearConv adds it to the integer accumulator.
            var biasScales = scales.Select(s => s * x.Scale).ToArray();
            var biasQuantized = new int[outChannels];
            for (var c = 0; c < outChannels; c++)
            {
                biasQuantized[c] = (int)Math.Clamp(Math.Round((double)bias[c] / biasScales[c]), int.MinValue, int.MaxValue);
            }
            initializers.Add(new OnnxTensor(name + "_bq", OnnxDataType.Int32, [outChannels], MemoryMarshal.AsBytes(biasQuantized.AsSpan()).ToArray()));
            initializers.Add(OnnxTensor.FromFloats(name + "_bscale", [outChannels], biasScales));
            initializers.Add(new OnnxTensor(name + "_bzero", OnnxDataType.Int32, [outChannels], new byte[outChannels * 4]));
            nodes.Add(new OnnxNode("DequantizeLinear", name + "_b", [name + "_bq", name + "_bscale", name + "_bzero"], [name + "_b"],
                [OnnxAttribute.Of("axis", 0L)]));
            inputs.Add(name + "_b");
        }
        return conv with { Inputs = [.. inputs] };
    }

    /// <summary>The weight's shape: from its initializer, or for folded weights from the Cast's source.</summary>
    internal static long[] WeightDims(FloatModel model, string weightName, int elementCount, int? biasLength)
    {
        var initializers = model.Initializers;
        var producers = model.Producers;
        var name = weightName;
        while (!initializers.ContainsKey(name) && producers.TryGetValue(name, out var node))
        {
            name = node.Inputs.FirstOrDefault(i => initializers.TryGetValue(i, out var t) && t.ElementCount == elementCount)
                ?? node.Inputs[0];
        }
        if (initializers.TryGetValue(name, out var tensor) && tensor.ElementCount == elementCount && tensor.Dims.Length == 4)
        {
            return tensor.Dims;
        }
        throw new InvalidOperationException($"Cannot find the shape of the weight '{weightName}'{(biasLength is { } b ? $" ({b} output channels)" : "")}.");
    }

    /// <summary>The conv's output, or its ReLU's when the ReLU is the only consumer (ONNX Runtime folds that ReLU into the quantization).</summary>
    internal static string ActivatedOutput(OnnxNode conv, Dictionary<string, List<OnnxNode>> consumers) =>
        consumers.TryGetValue(conv.Outputs[0], out var users) && users is [{ OpType: "Relu" } relu] ? relu.Outputs[0] : conv.Outputs[0];

    private static List<OnnxNode> LiveNodes(List<OnnxNode> nodes, List<string> graphOutputs)
    {
        var needed = new HashSet<string>(graphOutputs, StringComparer.Ordinal);
        var live = new List<OnnxNode>();
        for (var i = nodes.Count - 1; i >= 0; i--)
        {
            if (nodes[i].Outputs.Any(needed.Contains))
            {
                live.Add(nodes[i]);
                foreach (var input in nodes[i].Inputs)
                {
                    needed.Add(input);
                }
            }
        }
        live.Reverse();
        return live;
    }

    private static void AddOnce(List<string> list, string item)
    {
        if (!list.Contains(item))
        {
            list.Add(item);
        }
    }
}
