using System.Buffers.Binary;
using System.Globalization;
using System.Text;
using Portal.Models.Onnx;

namespace Portal.Models.Conversion;

/// <summary>
/// Converts an ncnn model (.param text graph + .bin weight blob) to ONNX. ncnn blobs are CHW
/// without a batch axis, so ncnn's channel axis 0 is ONNX's axis 1. Only the layers the
/// Real-ESRGAN models use are supported; anything else fails naming the layer.
/// </summary>
internal static class NcnnConverter
{
    private const uint TagFloat16 = 0x01306B47;
    private const int ActivationNone = 0;
    private const int ActivationRelu = 1;
    private const int ActivationLeakyRelu = 2;

    public static ConvertedModel Convert(byte[] param, byte[] bin, int expectedScale, string modelName)
    {
        var layers = ParseParam(param, modelName);
        var consumers = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var layer in layers)
        {
            foreach (var blob in layer.Inputs)
            {
                consumers[blob] = consumers.GetValueOrDefault(blob) + 1;
            }
        }
        var state = new State(new OnnxGraph(modelName), new WeightReader(bin, modelName), consumers, modelName);
        var input = state.Graph.AddInput("input", 1, 3, "height", "width");
        string? last = null;
        foreach (var layer in layers)
        {
            state.Add(layer, input);
            last = layer.Outputs.LastOrDefault() ?? last;
        }
        state.Weights.EnsureFullyRead();
        var outputBlob = layers.SelectMany(l => l.Outputs).Contains("output") ? "output" : last
            ?? throw new ModelImportException($"{modelName}: the .param file declares no layers.");
        var output = state.Materialize(outputBlob);
        var scale = Math.Sqrt(output.AreaFactor);
        if (Math.Abs(scale - expectedScale) > 1e-6 || output.Channels != 3)
        {
            throw new ModelImportException(
                $"{modelName}: the graph produces {output.Channels} channels at {scale.ToString(CultureInfo.InvariantCulture)}x, expected 3 at {expectedScale}x.");
        }
        var zero = state.Graph.AddScalar("clip_min", 0f);
        var one = state.Graph.AddScalar("clip_max", 1f);
        state.Graph.AddNodeWithOutput("Clip", "output", [output.Name, zero, one]);
        state.Graph.AddOutput("output", 1, 3, "out_height", "out_width");
        state.Graph.AddMetadata("upscale_portal.scale", expectedScale.ToString(CultureInfo.InvariantCulture));
        return new ConvertedModel(state.Graph.ToBytes(), expectedScale, state.Parameters, (long)Math.Round(state.Flops));
    }

    private sealed record Layer(string Type, string Name, string[] Inputs, string[] Outputs, Dictionary<int, string> Params, int LineNumber)
    {
        public int Int(int key, int fallback) =>
            Params.TryGetValue(key, out var text) ? int.Parse(text, NumberStyles.Integer, CultureInfo.InvariantCulture) : fallback;

        public float Float(int key, float fallback) =>
            Params.TryGetValue(key, out var text) ? float.Parse(text, NumberStyles.Float, CultureInfo.InvariantCulture) : fallback;

        public float[] Floats(int key) =>
            Params.TryGetValue(key, out var text)
                ? text.Split(',').Skip(1).Select(v => float.Parse(v, NumberStyles.Float, CultureInfo.InvariantCulture)).ToArray()
                : [];
    }

    private static List<Layer> ParseParam(byte[] param, string modelName)
    {
        var lines = Encoding.UTF8.GetString(param).Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        if (lines.Length < 2 || lines[0] != "7767517")
        {
            throw new ModelImportException($"{modelName}: not an ncnn .param file (the first line is not the magic 7767517).");
        }
        var layers = new List<Layer>();
        for (var lineIndex = 2; lineIndex < lines.Length; lineIndex++)
        {
            var fields = lines[lineIndex].Split(' ', StringSplitOptions.RemoveEmptyEntries);
            try
            {
                var inputCount = int.Parse(fields[2], CultureInfo.InvariantCulture);
                var outputCount = int.Parse(fields[3], CultureInfo.InvariantCulture);
                var inputs = fields.Skip(4).Take(inputCount).ToArray();
                var outputs = fields.Skip(4 + inputCount).Take(outputCount).ToArray();
                var parameters = new Dictionary<int, string>();
                foreach (var pair in fields.Skip(4 + inputCount + outputCount))
                {
                    var equals = pair.IndexOf('=', StringComparison.Ordinal);
                    var key = int.Parse(pair[..equals], CultureInfo.InvariantCulture);
                    // Array parameters are written with key -23300-k: "count,v1,v2,...".
                    parameters[key <= -23300 ? -(key + 23300) : key] = pair[(equals + 1)..];
                }
                layers.Add(new Layer(fields[0], fields[1], inputs, outputs, parameters, lineIndex + 1));
            }
            catch (Exception error) when (error is FormatException or IndexOutOfRangeException or ArgumentOutOfRangeException)
            {
                throw new ModelImportException($"{modelName}: .param line {lineIndex + 1} is malformed: '{lines[lineIndex]}'.", error);
            }
        }
        return layers;
    }

    /// <summary>Reads the .bin in the order the layers load their weights, as ncnn's ModelBin does.</summary>
    private sealed class WeightReader(byte[] bin, string modelName)
    {
        private int offset;

        /// <summary>A tagged blob (conv weights): a 4-byte tag says how the values are stored.</summary>
        public WeightTensor ReadTagged(string name, int[] shape)
        {
            var count = shape.Aggregate(1, (p, d) => p * d);
            Require(4, name);
            var tagOffset = offset;
            var tag = BinaryPrimitives.ReadUInt32LittleEndian(bin.AsSpan(offset));
            offset += 4;
            if (tag == TagFloat16)
            {
                var length = count * 2;
                Require(length, name);
                var raw = bin.AsSpan(offset, length).ToArray();
                offset += (length + 3) / 4 * 4;
                return new WeightTensor(name, shape, OnnxDataType.Float16, raw);
            }
            if (tag == 0)
            {
                return ReadRawAfterTag(name, shape, count);
            }
            throw new ModelImportException(
                $"{modelName}: weight blob for '{name}' at byte offset {tagOffset:N0} has unknown or unsupported storage tag 0x{tag:X8} " +
                "(supported: 0x01306B47 fp16, 0x00000000 fp32).");
        }

        /// <summary>An untagged fp32 array (biases, PReLU slopes).</summary>
        public WeightTensor ReadFloats(string name, int count) => ReadRawAfterTag(name, [count], count);

        public void EnsureFullyRead()
        {
            if (offset != bin.Length)
            {
                throw new ModelImportException($"{modelName}: the .bin has {bin.Length - offset:N0} bytes left over after the last layer (offset {offset:N0}); it does not match the .param.");
            }
        }

        private WeightTensor ReadRawAfterTag(string name, int[] shape, int count)
        {
            var length = count * 4;
            Require(length, name);
            var raw = bin.AsSpan(offset, length).ToArray();
            offset += length;
            return new WeightTensor(name, shape, OnnxDataType.Float, raw);
        }

        private void Require(int length, string name)
        {
            if (offset + length > bin.Length)
            {
                // Cut inside a weight, or cleanly between two: either way the blob is shorter than the .param's graph needs.
                var where = offset == bin.Length ? "nothing is left" : $"only {bin.Length - offset:N0} bytes are left";
                throw new ModelImportException(
                    $"{modelName}: the .bin is shorter than the .param's graph needs (truncated, or not this graph's weights): " +
                    $"'{name}' needs {length:N0} bytes from offset {offset:N0}, but {where} (the .bin is {bin.Length:N0} bytes).");
            }
        }
    }

    private sealed record Value(string Name, int Channels, double AreaFactor, int? PendingUpsample = null);

    private sealed class State(OnnxGraph graph, WeightReader weights, Dictionary<string, int> consumers, string modelName)
    {
        private readonly Dictionary<string, Value> blobs = new(StringComparer.Ordinal);

        public OnnxGraph Graph { get; } = graph;

        public WeightReader Weights { get; } = weights;

        public double Flops { get; private set; }

        public long Parameters { get; private set; }

        public void Add(Layer layer, string input)
        {
            switch (layer.Type)
            {
                case "Input":
                    blobs[layer.Outputs[0]] = new Value(input, 3, 1);
                    break;
                case "Split":
                {
                    var source = Materialize(layer.Inputs[0]);
                    foreach (var output in layer.Outputs)
                    {
                        blobs[output] = source;
                    }
                }
                    break;
                case "Convolution":
                    AddConvolution(layer);
                    break;
                case "PReLU":
                {
                    var source = Materialize(layer.Inputs[0]);
                    var count = layer.Int(0, 0);
                    var slope = Weights.ReadFloats(layer.Name + "_slope", count);
                    Parameters += count;
                    var slopeValue = Graph.AddInitializer(new OnnxTensor(layer.Name + "_slope", OnnxDataType.Float, count == 1 ? [1] : [count, 1, 1], slope.Raw));
                    blobs[layer.Outputs[0]] = source with { Name = Graph.AddNode("PRelu", layer.Name, [source.Name, slopeValue]) };
                    break;
                }
                case "Concat":
                {
                    if (layer.Int(0, 0) != 0)
                    {
                        throw Unsupported(layer, "concatenation on an axis other than channels");
                    }
                    var parts = layer.Inputs.Select(Materialize).ToList();
                    blobs[layer.Outputs[0]] = new Value(Graph.AddNode("Concat", layer.Name, parts.Select(p => p.Name).ToArray(), OnnxAttribute.Of("axis", 1L)),
                        parts.Sum(p => p.Channels), parts[0].AreaFactor);
                    break;
                }
                case "Eltwise":
                    AddEltwise(layer);
                    break;
                case "BinaryOp":
                {
                    if (layer.Int(0, 0) != 0 || layer.Int(1, 0) != 0 || layer.Inputs.Length != 2)
                    {
                        throw Unsupported(layer, "a BinaryOp other than adding two blobs");
                    }
                    var a = Materialize(layer.Inputs[0]);
                    var b = Materialize(layer.Inputs[1]);
                    blobs[layer.Outputs[0]] = a with { Name = Graph.AddNode("Add", layer.Name, [a.Name, b.Name]) };
                    break;
                }
                case "PixelShuffle":
                {
                    var factor = layer.Int(0, 1);
                    var source = Materialize(layer.Inputs[0]);
                    // ncnn mode 0 is PyTorch's pixel_shuffle: channel-major (CRD), not TF's DCR.
                    var mode = layer.Int(1, 0) == 0 ? "CRD" : "DCR";
                    blobs[layer.Outputs[0]] = new Value(
                        Graph.AddNode("DepthToSpace", layer.Name, [source.Name], OnnxAttribute.Of("blocksize", factor), OnnxAttribute.Of("mode", mode)),
                        source.Channels / (factor * factor), source.AreaFactor * factor * factor);
                    break;
                }
                case "Interp":
                    AddInterp(layer);
                    break;
                default:
                    throw Unsupported(layer, $"layer type '{layer.Type}'");
            }
        }

        public Value Materialize(string blob)
        {
            var value = Blob(blob);
            if (value.PendingUpsample is not { } factor)
            {
                return value;
            }
            var materialized = new Value(Resize(blob + "_nearest", value.Name, factor, "nearest"), value.Channels, value.AreaFactor * factor * factor);
            blobs[blob] = materialized;
            return materialized;
        }

        private Value Blob(string blob) =>
            blobs.TryGetValue(blob, out var value) ? value : throw new ModelImportException($"{modelName}: blob '{blob}' is used before it is produced.");

        private void AddConvolution(Layer layer)
        {
            var cout = layer.Int(0, 0);
            var kw = layer.Int(1, 0);
            var kh = layer.Int(11, kw);
            var dilation = layer.Int(2, 1);
            var stride = layer.Int(3, 1);
            var padLeft = layer.Int(4, 0);
            var padTop = layer.Int(14, padLeft);
            var padRight = layer.Int(15, padLeft);
            var padBottom = layer.Int(16, padTop);
            var hasBias = layer.Int(5, 0) != 0;
            var weightCount = layer.Int(6, 0);
            var activation = layer.Int(9, ActivationNone);
            if (dilation != 1 || layer.Int(12, dilation) != 1 || stride != 1 || layer.Int(13, stride) != 1 || layer.Int(8, 0) != 0)
            {
                throw Unsupported(layer, "a convolution with dilation, stride or int8 quantization");
            }
            if (padLeft == -233 || padLeft == -234)
            {
                padLeft = padRight = kw / 2;
                padTop = padBottom = kh / 2;
            }
            var source = Blob(layer.Inputs[0]);
            var cin = weightCount / (cout * kh * kw);
            if (cin * cout * kh * kw != weightCount || cin != source.Channels)
            {
                throw new ModelImportException(
                    $"{modelName}: layer '{layer.Name}' (line {layer.LineNumber}) declares {weightCount} weights, which does not fit {cout} outputs of {kh}x{kw} over {source.Channels} input channels.");
            }
            var kernel = Weights.ReadTagged(layer.Name + "_weight", [cout, cin, kh, kw]);
            var bias = hasBias ? Weights.ReadFloats(layer.Name + "_bias", cout) : null;
            Parameters += weightCount + (hasBias ? cout : 0);

            var isSame = padLeft == kw / 2 && padRight == kw / 2 && padTop == kh / 2 && padBottom == kh / 2 && kw % 2 == 1 && kh % 2 == 1;
            string output;
            double area;
            if (source.PendingUpsample is { } factor && consumers.GetValueOrDefault(layer.Inputs[0]) == 1 && isSame)
            {
                var fused = UpsampledConvolution.Fuse(kernel.ToFloats(), cout, cin, kh, kw, bias?.ToFloats(), factor);
                var inputs = new List<string> { source.Name, Graph.AddInitializer(OnnxTensor.FromFloats(layer.Name + "_weight_lowres", fused.Dims, fused.Kernel)) };
                if (fused.Bias is not null)
                {
                    inputs.Add(Graph.AddInitializer(OnnxTensor.FromFloats(layer.Name + "_bias_lowres", [fused.Bias.Length], fused.Bias)));
                }
                var conv = Graph.AddNode("Conv", layer.Name + "_lowres", inputs.ToArray(),
                    OnnxAttribute.Of("kernel_shape", new long[] { fused.Dims[2], fused.Dims[3] }), OnnxAttribute.Of("pads", fused.Pads));
                output = Graph.AddNode("DepthToSpace", layer.Name, [conv], OnnxAttribute.Of("blocksize", factor), OnnxAttribute.Of("mode", "DCR"));
                area = source.AreaFactor * factor * factor;
            }
            else
            {
                source = Materialize(layer.Inputs[0]);
                var inputs = new List<string> { source.Name, kernel.AddTo(Graph, layer.Name + "_weight") };
                if (bias is not null)
                {
                    inputs.Add(bias.AddTo(Graph, layer.Name + "_bias"));
                }
                output = Graph.AddNode("Conv", layer.Name, inputs.ToArray(),
                    OnnxAttribute.Of("kernel_shape", new long[] { kh, kw }),
                    OnnxAttribute.Of("pads", new long[] { padTop, padLeft, padBottom, padRight }));
                area = source.AreaFactor;
            }
            Flops += 2.0 * kh * kw * cin * cout * area;
            output = activation switch
            {
                ActivationNone => output,
                ActivationRelu => Graph.AddNode("Relu", layer.Name + "_relu", [output]),
                ActivationLeakyRelu => Graph.AddNode("LeakyRelu", layer.Name + "_leakyrelu", [output],
                    OnnxAttribute.Of("alpha", layer.Floats(10).FirstOrDefault())),
                _ => throw Unsupported(layer, $"convolution activation type {activation}"),
            };
            blobs[layer.Outputs[0]] = new Value(output, cout, area);
        }

        private void AddEltwise(Layer layer)
        {
            var operation = layer.Int(0, 1);
            if (operation != 1)
            {
                throw Unsupported(layer, $"Eltwise operation {operation} (only sum is supported)");
            }
            var coefficients = layer.Floats(1);
            var parts = layer.Inputs.Select(Materialize).ToList();
            string? sum = null;
            for (var i = 0; i < parts.Count; i++)
            {
                var term = parts[i].Name;
                var coefficient = coefficients.Length > i ? coefficients[i] : 1f;
                if (coefficient != 1f)
                {
                    term = Graph.AddNode("Mul", $"{layer.Name}_term{i}", [term, Graph.AddScalar($"{layer.Name}_coeff{i}", coefficient)]);
                }
                sum = sum is null ? term : Graph.AddNode("Add", i == parts.Count - 1 ? layer.Name : $"{layer.Name}_partial{i}", [sum, term]);
            }
            blobs[layer.Outputs[0]] = parts[0] with { Name = sum! };
        }

        private void AddInterp(Layer layer)
        {
            var type = layer.Int(0, 0);
            var heightScale = layer.Float(1, 1f);
            var widthScale = layer.Float(2, 1f);
            if (layer.Int(3, 0) != 0 || layer.Int(4, 0) != 0 || layer.Int(5, 0) != 0 || layer.Int(6, 0) != 0 || heightScale != widthScale)
            {
                throw Unsupported(layer, "an Interp with a fixed output size, align_corner or unequal scales");
            }
            var source = Blob(layer.Inputs[0]);
            if (type == 1 && widthScale == MathF.Round(widthScale) && widthScale > 1)
            {
                var factor = (int)widthScale;
                source = source.PendingUpsample is null ? source : Materialize(layer.Inputs[0]);
                // Deferred so a following conv can run at the low resolution.
                blobs[layer.Outputs[0]] = new Value(source.Name, source.Channels, source.AreaFactor, factor);
                return;
            }
            if (type != 3)
            {
                throw Unsupported(layer, $"Interp resize type {type} at scale {widthScale}");
            }
            source = Materialize(layer.Inputs[0]);
            // ncnn's bicubic: half-pixel centres, A = -0.75, edge pixels repeated; ONNX Resize's defaults match.
            blobs[layer.Outputs[0]] = new Value(Resize(layer.Name, source.Name, widthScale, "cubic"), source.Channels, source.AreaFactor * widthScale * widthScale);
        }

        private string Resize(string name, string input, float factor, string mode)
        {
            var scales = Graph.AddInitializer(OnnxTensor.FromFloats(name + "_scales", [4], [1f, 1f, factor, factor]));
            return mode == "nearest"
                ? Graph.AddNode("Resize", name, [input, "", scales],
                    OnnxAttribute.Of("mode", "nearest"),
                    OnnxAttribute.Of("coordinate_transformation_mode", "asymmetric"),
                    OnnxAttribute.Of("nearest_mode", "floor"))
                : Graph.AddNode("Resize", name, [input, "", scales],
                    OnnxAttribute.Of("mode", "cubic"),
                    OnnxAttribute.Of("coordinate_transformation_mode", "half_pixel"),
                    OnnxAttribute.Of("cubic_coeff_a", -0.75f));
        }

        private ModelImportException Unsupported(Layer layer, string what) =>
            new($"{modelName}: unsupported {what} in layer '{layer.Name}' ({layer.Type}, .param line {layer.LineNumber}).");
    }
}
