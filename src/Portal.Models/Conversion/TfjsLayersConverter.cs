using System.Globalization;
using System.Text.Json;
using Portal.Models.Onnx;

namespace Portal.Models.Conversion;

/// <summary>
/// Converts a TensorFlow.js Layers model (Keras functional graph in <c>model.json</c> plus
/// weight shards) to ONNX with the project's contract. Tensors are NCHW in the ONNX graph;
/// Keras is NHWC, so channel-axis operations move from axis 3 to axis 1.
/// </summary>
internal static class TfjsLayersConverter
{
    /// <param name="modelJson">The model.json bytes.</param>
    /// <param name="readShard">Returns a shard file's bytes given its path relative to model.json, or null if missing.</param>
    /// <param name="inputScale">What the weights expect for white: 1 for 0..1, 255 for 0..255.</param>
    /// <param name="expectedScale">The upscaling factor the graph must produce.</param>
    public static ConvertedModel Convert(byte[] modelJson, Func<string, byte[]?> readShard, float inputScale, int expectedScale, string modelName)
    {
        using var document = ParseJson(modelJson, modelName);
        var root = document.RootElement;
        var topology = Property(root, "modelTopology", modelName);
        if (topology.TryGetProperty("model_config", out var modelConfig))
        {
            topology = modelConfig;
        }
        var config = Property(topology, "config", modelName);
        var weights = ReadWeights(Property(root, "weightsManifest", modelName), readShard, modelName);
        var parameters = weights.Values.Sum(w => (long)w.ElementCount);

        var layers = Property(config, "layers", modelName).EnumerateArray().ToList();
        var consumers = CountConsumers(layers);
        var builder = new Builder(new OnnxGraph(modelName), weights, consumers, modelName);

        var input = builder.Graph.AddInput("input", 1, 3, "height", "width");
        foreach (var layer in layers)
        {
            builder.AddLayer(layer, input, inputScale);
        }

        var outputLayer = Property(config, "output_layers", modelName)[0][0].GetString()!;
        var (output, outputChannels, areaFactor, _) = builder.Materialize(outputLayer);
        if (outputChannels != 3)
        {
            throw new ModelImportException($"{modelName}: the output layer '{outputLayer}' has {outputChannels} channels, expected 3 (RGB).");
        }
        var actualScale = Math.Sqrt(areaFactor);
        if (Math.Abs(actualScale - expectedScale) > 1e-9)
        {
            throw new ModelImportException($"{modelName}: the graph upscales by {actualScale.ToString(CultureInfo.InvariantCulture)}, expected {expectedScale}.");
        }
        if (inputScale != 1f)
        {
            output = builder.Graph.AddNode("Mul", "to_unit_range", [output, builder.Graph.AddScalar("inverse_range", 1f / inputScale)]);
        }
        var zero = builder.Graph.AddScalar("clip_min", 0f);
        var one = builder.Graph.AddScalar("clip_max", 1f);
        builder.Graph.AddNodeWithOutput("Clip", "output", [output, zero, one]);
        builder.Graph.AddOutput("output", 1, 3, "out_height", "out_width");
        builder.Graph.AddMetadata("upscale_portal.scale", expectedScale.ToString(CultureInfo.InvariantCulture));
        return new ConvertedModel(builder.Graph.ToBytes(), expectedScale, parameters, (long)Math.Round(builder.Flops));
    }

    private static JsonDocument ParseJson(byte[] json, string modelName)
    {
        try
        {
            return JsonDocument.Parse(json);
        }
        catch (JsonException error)
        {
            throw new ModelImportException($"{modelName}: model.json is not valid JSON ({error.Message}).", error);
        }
    }

    internal static JsonElement Property(JsonElement element, string name, string modelName) =>
        element.ValueKind == JsonValueKind.Object && element.TryGetProperty(name, out var value)
            ? value
            : throw new ModelImportException($"{modelName}: model.json lacks '{name}'.");

    private static Dictionary<string, int> CountConsumers(List<JsonElement> layers)
    {
        var counts = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var layer in layers)
        {
            foreach (var inbound in InboundNames(layer))
            {
                counts[inbound] = counts.GetValueOrDefault(inbound) + 1;
            }
        }
        return counts;
    }

    internal static IEnumerable<string> InboundNames(JsonElement layer)
    {
        if (!layer.TryGetProperty("inbound_nodes", out var nodes) || nodes.GetArrayLength() == 0)
        {
            yield break;
        }
        foreach (var inbound in nodes[0].EnumerateArray())
        {
            yield return inbound[0].GetString()!;
        }
    }

    /// <summary>Reads a TF.js weights manifest (groups of shards, weights listed in storage order).</summary>
    internal static Dictionary<string, WeightTensor> ReadWeights(JsonElement manifest, Func<string, byte[]?> readShard, string modelName)
    {
        var weights = new Dictionary<string, WeightTensor>(StringComparer.Ordinal);
        foreach (var group in manifest.EnumerateArray())
        {
            var paths = group.GetProperty("paths").EnumerateArray().Select(p => p.GetString()!).ToList();
            var shards = paths.Select(path => readShard(path)
                ?? throw new ModelImportException($"{modelName}: weight shard '{path}' is missing from the package.")).ToList();
            var data = shards.SelectMany(s => s).ToArray();
            var offset = 0;
            foreach (var spec in group.GetProperty("weights").EnumerateArray())
            {
                var name = spec.GetProperty("name").GetString()!;
                var shape = spec.GetProperty("shape").EnumerateArray().Select(d => d.TryGetInt32(out var dim) ? dim : -1).ToArray();
                if (shape.Any(d => d <= 0) || shape.Aggregate(1.0, (product, d) => product * d) > int.MaxValue / 4)
                {
                    throw new ModelImportException($"{modelName}: weight '{name}' declares an invalid shape [{string.Join(", ", spec.GetProperty("shape").EnumerateArray())}].");
                }
                var dtype = spec.GetProperty("dtype").GetString();
                if (dtype != "float32")
                {
                    throw new ModelImportException($"{modelName}: weight '{name}' has dtype '{dtype}'; only float32 is supported.");
                }
                var stored = OnnxDataType.Float;
                float? scale = null, min = null;
                if (spec.TryGetProperty("quantization", out var quantization))
                {
                    var quantizedType = quantization.GetProperty("dtype").GetString();
                    stored = quantizedType switch
                    {
                        "uint8" => OnnxDataType.UInt8,
                        "uint16" => OnnxDataType.UInt16,
                        "float16" => OnnxDataType.Float16,
                        _ => throw new ModelImportException($"{modelName}: weight '{name}' uses unsupported quantization '{quantizedType}'."),
                    };
                    if (stored != OnnxDataType.Float16)
                    {
                        scale = (float)quantization.GetProperty("scale").GetDouble();
                        min = (float)quantization.GetProperty("min").GetDouble();
                    }
                }
                var tensor = new WeightTensor(name, shape, stored, []);
                var length = tensor.ElementCount * tensor.ElementSize;
                if (offset + length > data.Length)
                {
                    throw new ModelImportException(
                        $"{modelName}: weight shard(s) {string.Join(", ", paths)} hold {data.Length:N0} bytes, but the manifest needs at least " +
                        $"{offset + length:N0} to read '{name}' (shard too short or truncated).");
                }
                weights[name] = tensor with { Raw = data.AsSpan(offset, length).ToArray(), QuantScale = scale, QuantMin = min };
                offset += length;
            }
        }
        return weights;
    }

    /// <summary>Walks the Keras layers in order and emits ONNX nodes.</summary>
    private sealed class Builder(OnnxGraph graph, Dictionary<string, WeightTensor> weights, Dictionary<string, int> consumers, string modelName)
    {
        // A layer's output: an ONNX value, or a nearest upsample not yet emitted (so a following
        // 3x3 conv can run at the low resolution instead).
        private readonly Dictionary<string, Value> values = new(StringComparer.Ordinal);

        public OnnxGraph Graph { get; } = graph;

        public double Flops { get; private set; }

        public void AddLayer(JsonElement layer, string input, float inputScale)
        {
            var className = layer.GetProperty("class_name").GetString()!;
            var config = Property(layer, "config", modelName);
            var name = config.TryGetProperty("name", out var n) ? n.GetString()! : layer.GetProperty("name").GetString()!;
            var inbound = InboundNames(layer).ToList();

            if (className == "InputLayer")
            {
                var value = input;
                if (inputScale != 1f)
                {
                    value = Graph.AddNode("Mul", "to_source_range", [input, Graph.AddScalar("source_range", inputScale)]);
                }
                values[name] = new Value(value, 3, 1);
                return;
            }

            if (className.StartsWith("PixelShuffle", StringComparison.Ordinal))
            {
                var block = config.TryGetProperty("scale", out var s) ? s.GetInt32() : ParsePixelShuffleScale(className, name);
                var source = Materialize(Single(inbound, name));
                if (source.Channels % (block * block) != 0)
                {
                    throw new ModelImportException($"{modelName}: layer '{name}' ({className}) gets {source.Channels} channels, not divisible by {block * block}.");
                }
                // TF depth_to_space is DCR ordering (ONNX's default), unlike PyTorch's pixel_shuffle (CRD).
                var output = Graph.AddNode("DepthToSpace", name, [source.Name], OnnxAttribute.Of("blocksize", block), OnnxAttribute.Of("mode", "DCR"));
                values[name] = new Value(output, source.Channels / (block * block), source.AreaFactor * block * block);
                return;
            }

            switch (className)
            {
                case "Conv2D":
                    AddConv(name, config, Single(inbound, name));
                    break;
                case "Activation":
                    AddActivation(name, config.GetProperty("activation").GetString()!, Materialize(Single(inbound, name)), className);
                    break;
                case "ReLU":
                    AddActivation(name, "relu", Materialize(Single(inbound, name)), className);
                    break;
                case "Concatenate":
                {
                    var axis = config.TryGetProperty("axis", out var a) ? a.GetInt32() : -1;
                    if (axis is not (3 or -1))
                    {
                        throw new ModelImportException($"{modelName}: layer '{name}' concatenates on axis {axis}; only the channel axis is supported.");
                    }
                    var parts = inbound.Select(Materialize).ToList();
                    var output = Graph.AddNode("Concat", name, parts.Select(p => p.Name).ToArray(), OnnxAttribute.Of("axis", 1L));
                    values[name] = new Value(output, parts.Sum(p => p.Channels), parts[0].AreaFactor);
                    break;
                }
                case "Add":
                {
                    var parts = inbound.Select(Materialize).ToList();
                    var output = parts.Count == 2
                        ? Graph.AddNode("Add", name, [parts[0].Name, parts[1].Name])
                        : Graph.AddNode("Sum", name, parts.Select(p => p.Name).ToArray());
                    values[name] = parts[0] with { Name = output };
                    break;
                }
                case "MultiplyBeta":
                {
                    var beta = config.TryGetProperty("beta", out var b) ? (float)b.GetDouble() : 0.2f;
                    var source = Materialize(Single(inbound, name));
                    var output = Graph.AddNode("Mul", name, [source.Name, Graph.AddScalar(name + "_beta", beta)]);
                    values[name] = source with { Name = output };
                    break;
                }
                case "UpSampling2D":
                {
                    var interpolation = config.TryGetProperty("interpolation", out var i) ? i.GetString() : "nearest";
                    if (interpolation != "nearest")
                    {
                        throw new ModelImportException($"{modelName}: layer '{name}' uses {interpolation} upsampling; only nearest is supported.");
                    }
                    var size = config.GetProperty("size").EnumerateArray().Select(d => d.GetInt32()).ToArray();
                    if (size[0] != size[1])
                    {
                        throw new ModelImportException($"{modelName}: layer '{name}' upsamples by {size[0]}x{size[1]}; only square factors are supported.");
                    }
                    var source = Materialize(Single(inbound, name));
                    values[name] = new Value(source.Name, source.Channels, source.AreaFactor, size[0]);
                    break;
                }
                default:
                    throw new ModelImportException($"{modelName}: unsupported layer type '{className}' (layer '{name}').");
            }
        }

        /// <summary>The layer's output as a real ONNX value, emitting a deferred upsample if needed.</summary>
        public Value Materialize(string layerName)
        {
            if (!values.TryGetValue(layerName, out var value))
            {
                throw new ModelImportException($"{modelName}: layer '{layerName}' is used before it is defined.");
            }
            if (value.PendingUpsample is not { } factor)
            {
                return value;
            }
            var scales = Graph.AddInitializer(OnnxTensor.FromFloats(layerName + "_scales", [4], [1f, 1f, factor, factor]));
            // asymmetric + floor is exactly Keras' nearest UpSampling2D for integer factors.
            var output = Graph.AddNode("Resize", layerName, [value.Name, "", scales],
                OnnxAttribute.Of("mode", "nearest"),
                OnnxAttribute.Of("coordinate_transformation_mode", "asymmetric"),
                OnnxAttribute.Of("nearest_mode", "floor"));
            var materialized = new Value(output, value.Channels, value.AreaFactor * factor * factor);
            values[layerName] = materialized;
            return materialized;
        }

        private void AddConv(string name, JsonElement config, string inboundName)
        {
            var kernelSize = config.GetProperty("kernel_size").EnumerateArray().Select(d => d.GetInt32()).ToArray();
            var strides = config.GetProperty("strides").EnumerateArray().Select(d => d.GetInt32()).ToArray();
            var dilation = config.TryGetProperty("dilation_rate", out var d) ? d.EnumerateArray().Select(x => x.GetInt32()).ToArray() : [1, 1];
            var padding = config.GetProperty("padding").GetString();
            var groups = config.TryGetProperty("groups", out var g) ? g.GetInt32() : 1;
            var useBias = !config.TryGetProperty("use_bias", out var b) || b.GetBoolean();
            var activation = config.TryGetProperty("activation", out var act) ? act.GetString()! : "linear";
            if (strides.Any(s => s != 1) || dilation.Any(x => x != 1) || groups != 1)
            {
                throw new ModelImportException($"{modelName}: layer '{name}' (Conv2D) uses strides/dilation/groups other than 1; not supported.");
            }
            if (padding == "same" && (kernelSize[0] % 2 == 0 || kernelSize[1] % 2 == 0))
            {
                throw new ModelImportException($"{modelName}: layer '{name}' (Conv2D) has an even kernel with 'same' padding; not supported.");
            }
            if (padding is not ("same" or "valid") || (padding == "valid" && (kernelSize[0] != 1 || kernelSize[1] != 1)))
            {
                throw new ModelImportException($"{modelName}: layer '{name}' (Conv2D) uses padding '{padding}' with a {kernelSize[0]}x{kernelSize[1]} kernel; not supported.");
            }

            var kernel = Weight(name, "kernel");
            var bias = useBias ? Weight(name, "bias") : null;
            int kh = kernel.Shape[0], kw = kernel.Shape[1], cin = kernel.Shape[2], cout = kernel.Shape[3];
            var source = values.TryGetValue(inboundName, out var v) ? v : throw new ModelImportException($"{modelName}: layer '{inboundName}' is used before it is defined.");
            if (source.Channels != cin)
            {
                throw new ModelImportException($"{modelName}: layer '{name}' expects {cin} input channels but gets {source.Channels}.");
            }

            string output;
            Value result;
            if (source.PendingUpsample is { } factor && consumers.GetValueOrDefault(inboundName) == 1 && padding == "same")
            {
                output = AddUpsampledConv(name, source, factor, kernel, bias);
                result = new Value(output, cout, source.AreaFactor * factor * factor);
                Flops += 2.0 * kh * kw * cin * cout * result.AreaFactor;
            }
            else
            {
                source = Materialize(inboundName);
                var onnxKernel = kernel.KerasKernelToOnnx().AddTo(Graph, name + "_kernel");
                var inputs = bias is null ? new[] { source.Name, onnxKernel } : [source.Name, onnxKernel, bias.AddTo(Graph, name + "_bias")];
                output = Graph.AddNode("Conv", name, inputs,
                    OnnxAttribute.Of("kernel_shape", new long[] { kh, kw }),
                    OnnxAttribute.Of("pads", padding == "same" ? new long[] { kh / 2, kw / 2, kh / 2, kw / 2 } : [0, 0, 0, 0]));
                result = new Value(output, cout, source.AreaFactor);
                Flops += 2.0 * kh * kw * cin * cout * source.AreaFactor;
            }
            values[name] = result;
            if (activation != "linear")
            {
                AddActivation(name + "_activation", activation, result, "Conv2D");
                values[name] = values[name + "_activation"];
            }
        }

        /// <summary>Nearest upsample then conv, run as a low-resolution conv plus depth-to-space.</summary>
        private string AddUpsampledConv(string name, Value source, int s, WeightTensor kernel, WeightTensor? bias)
        {
            var onnxKernel = kernel.KerasKernelToOnnx();
            int cout = onnxKernel.Shape[0], cin = onnxKernel.Shape[1], kh = onnxKernel.Shape[2], kw = onnxKernel.Shape[3];
            var fused = UpsampledConvolution.Fuse(onnxKernel.ToFloats(), cout, cin, kh, kw, bias?.ToFloats(), s);
            var inputs = new List<string> { source.Name, Graph.AddInitializer(OnnxTensor.FromFloats(name + "_kernel_lowres", fused.Dims, fused.Kernel)) };
            if (fused.Bias is not null)
            {
                inputs.Add(Graph.AddInitializer(OnnxTensor.FromFloats(name + "_bias_lowres", [fused.Bias.Length], fused.Bias)));
            }
            var conv = Graph.AddNode("Conv", name + "_lowres", inputs.ToArray(),
                OnnxAttribute.Of("kernel_shape", new long[] { fused.Dims[2], fused.Dims[3] }),
                OnnxAttribute.Of("pads", fused.Pads));
            return Graph.AddNode("DepthToSpace", name, [conv], OnnxAttribute.Of("blocksize", s), OnnxAttribute.Of("mode", "DCR"));
        }

        private void AddActivation(string name, string activation, Value source, string className)
        {
            switch (activation)
            {
                case "linear":
                    values[name] = source;
                    break;
                case "relu":
                    values[name] = source with { Name = Graph.AddNode("Relu", name, [source.Name]) };
                    break;
                default:
                    throw new ModelImportException($"{modelName}: unsupported activation '{activation}' in layer '{name}' ({className}).");
            }
        }

        private WeightTensor Weight(string layer, string kind) =>
            weights.TryGetValue($"{layer}/{kind}", out var weight) ? weight
            : weights.TryGetValue($"{layer}/{kind}:0", out weight) ? weight
            : throw new ModelImportException($"{modelName}: weight '{layer}/{kind}' is not in the weights manifest.");

        private string Single(List<string> inbound, string name) =>
            inbound.Count == 1 ? inbound[0] : throw new ModelImportException($"{modelName}: layer '{name}' has {inbound.Count} inputs, expected 1.");

        private int ParsePixelShuffleScale(string className, string name) =>
            int.TryParse(className["PixelShuffle".Length..].TrimEnd('x'), NumberStyles.None, CultureInfo.InvariantCulture, out var scale)
                ? scale
                : throw new ModelImportException($"{modelName}: cannot read the scale of layer '{name}' ({className}).");

    }

    /// <summary>An ONNX value with its channel count and its pixel count relative to the input.</summary>
    private sealed record Value(string Name, int Channels, double AreaFactor, int? PendingUpsample = null);
}
