using System.Globalization;
using System.Text.Json;
using Portal.Models.Onnx;

namespace Portal.Models.Conversion;

/// <summary>
/// Converts the convolutional trunk of a TF.js Layers model (Keras functional graph) up to a
/// few named layers into an ONNX graph whose outputs are those layers' activations: a feature
/// extractor, not an upscaler. Covers the layers of Keras' MobileNetV2 (Conv2D, DepthwiseConv2D,
/// BatchNormalization, ReLU with max_value, ZeroPadding2D, Add); anything else on the way to a
/// tap is refused by name. Batch normalisation is folded to one per-channel scale and shift.
/// </summary>
internal static class KerasFeatureConverter
{
    /// <param name="inputScale">Affine map from the contract's 0..1 to what the weights expect: x * scale + offset.</param>
    public static byte[] Convert(byte[] modelJson, Func<string, byte[]?> readShard, IReadOnlyList<string> taps, float inputScale, float inputOffset, string modelName)
    {
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(modelJson);
        }
        catch (JsonException error)
        {
            throw new ModelImportException($"{modelName}: model.json is not valid JSON ({error.Message}).", error);
        }
        using (document)
        {
            var root = document.RootElement;
            var topology = TfjsLayersConverter.Property(root, "modelTopology", modelName);
            if (topology.TryGetProperty("model_config", out var modelConfig))
            {
                topology = modelConfig;
            }
            var config = TfjsLayersConverter.Property(topology, "config", modelName);
            var weights = TfjsLayersConverter.ReadWeights(TfjsLayersConverter.Property(root, "weightsManifest", modelName), readShard, modelName);
            var layers = TfjsLayersConverter.Property(config, "layers", modelName).EnumerateArray().ToList();
            var graph = new OnnxGraph(modelName);
            var builder = new Builder(graph, weights, modelName);

            var input = graph.AddInput("input", "batch", 3, "height", "width");
            var scaled = graph.AddNode("Mul", "input_scaled", [input, graph.AddScalar("input_scale", inputScale)]);
            var shifted = graph.AddNode("Add", "input_shifted", [scaled, graph.AddScalar("input_offset", inputOffset)]);
            var remaining = new HashSet<string>(taps, StringComparer.Ordinal);
            foreach (var layer in layers)
            {
                if (remaining.Count == 0)
                {
                    break;
                }
                var name = builder.AddLayer(layer, shifted);
                if (remaining.Remove(name))
                {
                    graph.AddNodeWithOutput("Identity", "feature_" + name, [builder.ValueOf(name)]);
                }
            }
            if (remaining.Count > 0)
            {
                throw new ModelImportException($"{modelName}: the model has no layer named {string.Join(", ", remaining)}.");
            }
            foreach (var tap in taps)
            {
                graph.AddOutput("feature_" + tap, "batch", "channels", "rows", "columns");
            }
            graph.AddMetadata("upscale_portal.feature_taps", string.Join(",", taps));
            graph.AddMetadata("upscale_portal.input", string.Create(CultureInfo.InvariantCulture, $"x * {inputScale} + {inputOffset} for RGB in 0..1"));
            return graph.ToBytes();
        }
    }

    private sealed class Builder(OnnxGraph graph, Dictionary<string, WeightTensor> weights, string modelName)
    {
        private readonly Dictionary<string, string> values = new(StringComparer.Ordinal);

        public string ValueOf(string layer) => values[layer];

        /// <summary>Emits one layer and returns its name.</summary>
        public string AddLayer(JsonElement layer, string input)
        {
            var className = layer.GetProperty("class_name").GetString()!;
            var config = TfjsLayersConverter.Property(layer, "config", modelName);
            var name = config.GetProperty("name").GetString()!;
            var inbound = TfjsLayersConverter.InboundNames(layer).Select(n => values.TryGetValue(n, out var v) ? v
                : throw new ModelImportException($"{modelName}: layer '{name}' reads '{n}', which comes later or does not exist.")).ToList();
            values[name] = className switch
            {
                "InputLayer" => input,
                "ZeroPadding2D" => ZeroPadding(name, Single(inbound, name), config),
                "Conv2D" => Convolution(name, Single(inbound, name), config, depthwise: false),
                "DepthwiseConv2D" => Convolution(name, Single(inbound, name), config, depthwise: true),
                "BatchNormalization" => BatchNormalization(name, Single(inbound, name), config),
                "ReLU" => Relu(name, Single(inbound, name), config),
                "Add" => inbound.Count == 2
                    ? graph.AddNode("Add", name, [inbound[0], inbound[1]])
                    : throw new ModelImportException($"{modelName}: layer '{name}' (Add) has {inbound.Count} inputs; 2 are supported."),
                _ => throw new ModelImportException($"{modelName}: layer '{name}' is a {className}, which the feature converter does not support."),
            };
            return name;
        }

        private string Single(List<string> inbound, string name) =>
            inbound.Count == 1 ? inbound[0] : throw new ModelImportException($"{modelName}: layer '{name}' has {inbound.Count} inputs; 1 was expected.");

        private WeightTensor Weight(string name) =>
            weights.TryGetValue(name, out var tensor) ? tensor : throw new ModelImportException($"{modelName}: the weights manifest has no '{name}'.");

        private string ZeroPadding(string name, string x, JsonElement config)
        {
            var padding = config.GetProperty("padding");
            long top = padding[0][0].GetInt64(), bottom = padding[0][1].GetInt64(), left = padding[1][0].GetInt64(), right = padding[1][1].GetInt64();
            var pads = graph.AddInitializer(OnnxTensor.FromInt64s(name + "_pads", [8], [0, 0, top, left, 0, 0, bottom, right]));
            return graph.AddNode("Pad", name, [x, pads]);
        }

        private string Convolution(string name, string x, JsonElement config, bool depthwise)
        {
            var kernelName = name + (depthwise ? "/depthwise_kernel" : "/kernel");
            var kernel = Weight(kernelName);
            if (kernel.Shape.Length != 4)
            {
                throw new ModelImportException($"{modelName}: '{kernelName}' has shape [{string.Join(", ", kernel.Shape)}]; [kh, kw, in, out] was expected.");
            }
            int kh = kernel.Shape[0], kw = kernel.Shape[1];
            var strides = config.GetProperty("strides").EnumerateArray().Select(s => s.GetInt64()).ToArray();
            var padding = config.GetProperty("padding").GetString();
            var dilation = config.TryGetProperty("dilation_rate", out var d) ? d.EnumerateArray().Select(v => v.GetInt64()).ToArray() : [1L, 1L];
            if (dilation.Any(v => v != 1))
            {
                throw new ModelImportException($"{modelName}: layer '{name}' uses dilation, which the feature converter does not support.");
            }
            long[] pads = padding switch
            {
                "valid" => [0, 0, 0, 0],
                "same" when strides.All(s => s == 1) && kh % 2 == 1 && kw % 2 == 1 => [kh / 2, kw / 2, kh / 2, kw / 2],
                _ => throw new ModelImportException($"{modelName}: layer '{name}' uses padding '{padding}' with strides [{string.Join(", ", strides)}], which the feature converter does not support."),
            };
            var attributes = new List<OnnxAttribute>
            {
                OnnxAttribute.Of("kernel_shape", new long[] { kh, kw }),
                OnnxAttribute.Of("strides", strides),
                OnnxAttribute.Of("pads", pads),
            };
            WeightTensor onnxKernel;
            if (depthwise)
            {
                if (kernel.Shape[3] != 1)
                {
                    throw new ModelImportException($"{modelName}: layer '{name}' has depth multiplier {kernel.Shape[3]}; only 1 is supported.");
                }
                // [kh,kw,C,1] -> [1,C,kh,kw], the same element order as ONNX's [C,1,kh,kw].
                onnxKernel = kernel.KerasKernelToOnnx() with { Shape = [kernel.Shape[2], 1, kh, kw] };
                attributes.Add(OnnxAttribute.Of("group", kernel.Shape[2]));
            }
            else
            {
                onnxKernel = kernel.KerasKernelToOnnx();
            }
            var inputs = new List<string> { x, onnxKernel.AddTo(graph, name.Replace('/', '_') + "_kernel") };
            if (config.TryGetProperty("use_bias", out var useBias) && useBias.GetBoolean())
            {
                inputs.Add(Weight(name + "/bias").AddTo(graph, name + "_bias"));
            }
            var activation = config.TryGetProperty("activation", out var a) ? a.GetString() : "linear";
            if (activation is not ("linear" or null))
            {
                throw new ModelImportException($"{modelName}: layer '{name}' has activation '{activation}', which the feature converter does not support.");
            }
            return graph.AddNode("Conv", name, [.. inputs], [.. attributes]);
        }

        private string BatchNormalization(string name, string x, JsonElement config)
        {
            var epsilon = config.TryGetProperty("epsilon", out var e) ? e.GetDouble() : 1e-3;
            var mean = Weight(name + "/moving_mean").ToFloats();
            var variance = Weight(name + "/moving_variance").ToFloats();
            var gamma = config.TryGetProperty("scale", out var s) && !s.GetBoolean() ? Enumerable.Repeat(1f, mean.Length).ToArray() : Weight(name + "/gamma").ToFloats();
            var beta = config.TryGetProperty("center", out var c) && !c.GetBoolean() ? new float[mean.Length] : Weight(name + "/beta").ToFloats();
            if (variance.Length != mean.Length || gamma.Length != mean.Length || beta.Length != mean.Length)
            {
                throw new ModelImportException($"{modelName}: the batch normalisation '{name}' has vectors of different lengths.");
            }
            var scale = new float[mean.Length];
            var shift = new float[mean.Length];
            for (var i = 0; i < scale.Length; i++)
            {
                // Computed in double, as close to TF's (x - mean) * rsqrt(var + eps) * gamma + beta as one scale and shift get.
                var factor = gamma[i] / Math.Sqrt(variance[i] + epsilon);
                scale[i] = (float)factor;
                shift[i] = (float)(beta[i] - mean[i] * factor);
            }
            long[] dims = [1, scale.Length, 1, 1];
            var scaled = graph.AddNode("Mul", name + "_scale", [x, graph.AddInitializer(OnnxTensor.FromFloats(name + "_gamma", dims, scale))]);
            return graph.AddNode("Add", name, [scaled, graph.AddInitializer(OnnxTensor.FromFloats(name + "_beta", dims, shift))]);
        }

        private string Relu(string name, string x, JsonElement config)
        {
            var slope = config.TryGetProperty("negative_slope", out var n) ? n.GetDouble() : 0;
            var threshold = config.TryGetProperty("threshold", out var t) ? t.GetDouble() : 0;
            if (slope != 0 || threshold != 0)
            {
                throw new ModelImportException($"{modelName}: ReLU '{name}' has a negative slope or threshold, which the feature converter does not support.");
            }
            if (config.TryGetProperty("max_value", out var max) && max.ValueKind == JsonValueKind.Number)
            {
                return graph.AddNode("Clip", name, [x, graph.AddScalar(name + "_min", 0f), graph.AddScalar(name + "_max", (float)max.GetDouble())]);
            }
            return graph.AddNode("Relu", name, [x]);
        }
    }
}
