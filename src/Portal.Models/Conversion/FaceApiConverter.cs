using System.Text.Json;
using Portal.Models.Onnx;

namespace Portal.Models.Conversion;

/// <summary>
/// Writes the face networks of <c>@vladmandic/face-api</c> as ONNX. The package ships only
/// weights (a TF.js weights manifest and one shard per network); the architectures live in its
/// JavaScript, so each graph here is written from that code (src/tinyYolov2, src/faceFeatureExtractor,
/// src/faceRecognitionNet) and the weights are taken by name. Tensors are NCHW; TF.js is NHWC.
/// Every graph takes <c>input</c> float32 [N,3,H,W] RGB in 0..1, the analysis contract.
/// </summary>
internal static class FaceApiConverter
{
    /// <summary>The tiny face detector (a Tiny-YOLOv2 of depthwise-separable convolutions): 0..1 RGB
    /// [N,3,S,S] with S a multiple of 32, to raw boxes [N,25,S/32,S/32] (5 anchors x (x, y, w, h, score)).</summary>
    public static byte[] TinyFaceDetector(byte[] manifestJson, Func<string, byte[]?> readShard)
    {
        const string name = "tiny-face-detector";
        var net = new Net(name, ReadWeights(manifestJson, readShard, name));
        var x = net.Normalize([117.001f, 114.697f, 97.404f]);
        // conv0 is a plain 3x3 'valid' conv, then TF's leaky ReLU (alpha 0.1).
        x = net.Leaky(net.Conv(x, "conv0/filters", "conv0/bias", stride: 1, pads: [0, 0, 0, 0]));
        x = net.MaxPoolSame(x, stride: 2);
        for (var i = 1; i <= 5; i++)
        {
            // Each separable block pads by one explicitly, then runs 'valid' (depthwiseSeparableConv.ts).
            x = net.Leaky(net.SeparableConv(x, $"conv{i}", stride: 1, pads: [1, 1, 1, 1]));
            x = net.MaxPoolSame(x, stride: i < 5 ? 2 : 1);
        }
        var output = net.Conv(x, "conv8/filters", "conv8/bias", stride: 1, pads: [0, 0, 0, 0]);
        return net.Finish(output, "boxes", ["batch", 25, "cells_y", "cells_x"], ("face_api.network", "tiny_face_detector"));
    }

    /// <summary>The 68-point landmark net: a 112x112 face crop to 136 values, (x, y) pairs in 0..1 of the crop.</summary>
    public static byte[] FaceLandmark68(byte[] manifestJson, Func<string, byte[]?> readShard)
    {
        const string name = "face-landmark-68";
        var net = new Net(name, ReadWeights(manifestJson, readShard, name));
        var x = net.Normalize([122.782f, 117.001f, 104.298f]);
        for (var block = 0; block < 4; block++)
        {
            x = net.DenseBlock4(x, $"dense{block}", firstLayerIsConv: block == 0);
        }
        // 7x7 average pool of the 7x7 map, then the fully connected layer.
        x = net.Graph.AddNode("GlobalAveragePool", "pooled", [x]);
        x = net.Graph.AddNode("Flatten", "features", [x], OnnxAttribute.Of("axis", 1L));
        var output = net.FullyConnected(x, "fc/weights", "fc/bias");
        return net.Finish(output, "landmarks", ["batch", 136], ("face_api.network", "face_landmark_68"));
    }

    /// <summary>The face recognition net (a ResNet-34-like network): a 150x150 aligned face to a 128-D descriptor.</summary>
    public static byte[] FaceRecognition(byte[] manifestJson, Func<string, byte[]?> readShard)
    {
        const string name = "face-recognition";
        var net = new Net(name, ReadWeights(manifestJson, readShard, name));
        var x = net.Normalize([122.782f, 117.001f, 104.298f]);
        x = net.ScaledConv(x, "conv32_down", stride: 2, pads: [0, 0, 0, 0], relu: true);
        x = net.Graph.AddNode("MaxPool", "pool", [x], OnnxAttribute.Of("kernel_shape", new long[] { 3, 3 }), OnnxAttribute.Of("strides", new long[] { 2, 2 }));
        var size = 35; // 150 -> 72 (7x7 stride 2 valid) -> 35 (3x3 stride 2 valid)
        var channels = 32;
        foreach (var (block, down, outChannels) in new[]
        {
            ("conv32_1", false, 32), ("conv32_2", false, 32), ("conv32_3", false, 32),
            ("conv64_down", true, 64), ("conv64_1", false, 64), ("conv64_2", false, 64), ("conv64_3", false, 64),
            ("conv128_down", true, 128), ("conv128_1", false, 128), ("conv128_2", false, 128),
            ("conv256_down", true, 256), ("conv256_1", false, 256), ("conv256_2", false, 256), ("conv256_down_out", true, 256),
        })
        {
            if (!down)
            {
                var residual = net.ScaledConv(x, block + "/conv1", stride: 1, pads: [1, 1, 1, 1], relu: true);
                residual = net.ScaledConv(residual, block + "/conv2", stride: 1, pads: [1, 1, 1, 1], relu: false);
                x = net.Graph.AddNode("Relu", block, [net.Graph.AddNode("Add", block + "_sum", [residual, x])]);
                continue;
            }
            var convSize = (size - 3) / 2 + 1;
            var poolSize = size / 2;
            var main = net.ScaledConv(x, block + "/conv1", stride: 2, pads: [0, 0, 0, 0], relu: true);
            main = net.ScaledConv(main, block + "/conv2", stride: 1, pads: [1, 1, 1, 1], relu: false);
            if (convSize < poolSize)
            {
                // residualLayer.ts appends a zero row and column when the valid conv comes out one smaller.
                main = net.Pad(main, [0, 0, 0, 0, 0, 0, poolSize - convSize, poolSize - convSize]);
            }
            var shortcut = net.Graph.AddNode("AveragePool", block + "_shortcut", [x],
                OnnxAttribute.Of("kernel_shape", new long[] { 2, 2 }), OnnxAttribute.Of("strides", new long[] { 2, 2 }));
            if (outChannels > channels)
            {
                // ...and zero channels on the shortcut when the block widens.
                shortcut = net.Pad(shortcut, [0, 0, 0, 0, 0, outChannels - channels, 0, 0]);
            }
            x = net.Graph.AddNode("Relu", block, [net.Graph.AddNode("Add", block + "_sum", [main, shortcut])]);
            size = poolSize;
            channels = outChannels;
        }
        x = net.Graph.AddNode("GlobalAveragePool", "pooled", [x]);
        x = net.Graph.AddNode("Flatten", "features", [x], OnnxAttribute.Of("axis", 1L));
        var output = net.Graph.AddNode("MatMul", "fc", [x, net.Weight("fc")]);
        return net.Finish(output, "embedding", ["batch", 128], ("face_api.network", "face_recognition"), ("face_api.input_size", "150"));
    }

    private static Dictionary<string, WeightTensor> ReadWeights(byte[] manifestJson, Func<string, byte[]?> readShard, string modelName)
    {
        try
        {
            using var document = JsonDocument.Parse(manifestJson);
            if (document.RootElement.ValueKind != JsonValueKind.Array)
            {
                throw new ModelImportException($"{modelName}: the weights manifest is not a JSON array of weight groups.");
            }
            return TfjsLayersConverter.ReadWeights(document.RootElement, readShard, modelName);
        }
        catch (JsonException error)
        {
            throw new ModelImportException($"{modelName}: the weights manifest is not valid JSON ({error.Message}).", error);
        }
        catch (Exception error) when (error is KeyNotFoundException or InvalidOperationException or FormatException)
        {
            throw new ModelImportException($"{modelName}: the weights manifest is malformed ({error.Message}).", error);
        }
    }

    /// <summary>Graph-building steps shared by the three networks.</summary>
    private sealed class Net(string modelName, Dictionary<string, WeightTensor> weights)
    {
        private readonly HashSet<string> used = new(StringComparer.Ordinal);

        public OnnxGraph Graph { get; } = new(modelName);

        public string Input { get; } = "input";

        /// <summary>face-api subtracts a mean colour in 0..255, then divides by 255: in 0..1 that is one subtraction.</summary>
        public string Normalize(float[] meanRgb)
        {
            Graph.AddInput(Input, "batch", 3, "height", "width");
            var mean = Graph.AddInitializer(OnnxTensor.FromFloats("mean_rgb", [1, 3, 1, 1], meanRgb.Select(m => m / 255f).ToArray()));
            return Graph.AddNode("Sub", "normalized", [Input, mean]);
        }

        public WeightTensor Tensor(string name)
        {
            if (!weights.TryGetValue(name, out var tensor))
            {
                throw new ModelImportException($"{modelName}: the weights manifest has no '{name}', which the network needs.");
            }
            used.Add(name);
            return tensor;
        }

        public string Weight(string name) => Tensor(name).AddTo(Graph, name.Replace('/', '_'));

        public string Conv(string x, string filters, string? bias, int stride, long[] pads)
        {
            var kernel = Tensor(filters);
            ExpectRank(kernel, filters, 4);
            var onnxKernel = kernel.KerasKernelToOnnx().AddTo(Graph, filters.Replace('/', '_'));
            string[] inputs = bias is null ? [x, onnxKernel] : [x, onnxKernel, Bias(bias, kernel.Shape[3])];
            return Graph.AddNode("Conv", filters.Replace("/filters", "", StringComparison.Ordinal).Replace('/', '_'), inputs,
                OnnxAttribute.Of("kernel_shape", new long[] { kernel.Shape[0], kernel.Shape[1] }),
                OnnxAttribute.Of("strides", new long[] { stride, stride }),
                OnnxAttribute.Of("pads", pads));
        }

        /// <summary>A depthwise conv (one filter per channel) then a 1x1 pointwise conv with bias, as tf.separableConv2d.</summary>
        public string SeparableConv(string x, string prefix, int stride, long[] pads)
        {
            var depthwise = Tensor(prefix + "/depthwise_filter");
            ExpectRank(depthwise, prefix + "/depthwise_filter", 4);
            int kh = depthwise.Shape[0], kw = depthwise.Shape[1], channels = depthwise.Shape[2];
            if (depthwise.Shape[3] != 1)
            {
                throw new ModelImportException($"{modelName}: '{prefix}/depthwise_filter' has channel multiplier {depthwise.Shape[3]}; only 1 is supported.");
            }
            // [kh,kw,C,1] -> [1,C,kh,kw], which has the same element order as ONNX's [C,1,kh,kw].
            var onnxDepthwise = depthwise.KerasKernelToOnnx() with { Shape = [channels, 1, kh, kw] };
            var node = prefix.Replace('/', '_');
            var dw = Graph.AddNode("Conv", node + "_depthwise", [x, onnxDepthwise.AddTo(Graph, node + "_depthwise_filter")],
                OnnxAttribute.Of("group", channels),
                OnnxAttribute.Of("kernel_shape", new long[] { kh, kw }),
                OnnxAttribute.Of("strides", new long[] { stride, stride }),
                OnnxAttribute.Of("pads", pads));
            return Conv(dw, prefix + "/pointwise_filter", prefix + "/bias", stride: 1, pads: [0, 0, 0, 0]);
        }

        /// <summary>conv (+bias), then face-api's scale layer (x * weights + biases), optionally ReLU.</summary>
        public string ScaledConv(string x, string prefix, int stride, long[] pads, bool relu)
        {
            var conv = Conv(x, prefix + "/conv/filters", prefix + "/conv/bias", stride, pads);
            var channels = Tensor(prefix + "/conv/filters").Shape[3];
            var scaled = Graph.AddNode("Mul", prefix.Replace('/', '_') + "_scale", [conv, Bias(prefix + "/scale/weights", channels)]);
            var shifted = Graph.AddNode("Add", prefix.Replace('/', '_') + "_shift", [scaled, Bias(prefix + "/scale/biases", channels)]);
            return relu ? Graph.AddNode("Relu", prefix.Replace('/', '_') + "_relu", [shifted]) : shifted;
        }

        /// <summary>denseBlock4 of faceFeatureExtractor/denseBlock.ts: stride-2 'same' entry, three more
        /// separable convs, each fed the ReLU of the sum of all earlier outputs.</summary>
        public string DenseBlock4(string x, string prefix, bool firstLayerIsConv)
        {
            // TF 'same' with stride 2 on an even size pads only after (bottom/right).
            long[] downPads = [0, 0, 1, 1];
            var out1 = firstLayerIsConv
                ? Conv(x, prefix + "/conv0/filters", prefix + "/conv0/bias", stride: 2, pads: downPads)
                : SeparableConv(x, prefix + "/conv0", stride: 2, pads: downPads);
            out1 = Graph.AddNode("Relu", prefix + "_out1", [out1]);
            var out2 = SeparableConv(out1, prefix + "/conv1", stride: 1, pads: [1, 1, 1, 1]);
            var in3 = Graph.AddNode("Relu", prefix + "_in3", [Graph.AddNode("Add", prefix + "_sum2", [out1, out2])]);
            var out3 = SeparableConv(in3, prefix + "/conv2", stride: 1, pads: [1, 1, 1, 1]);
            var sum3 = Graph.AddNode("Add", prefix + "_sum3", [out1, Graph.AddNode("Add", prefix + "_sum23", [out2, out3])]);
            var in4 = Graph.AddNode("Relu", prefix + "_in4", [sum3]);
            var out4 = SeparableConv(in4, prefix + "/conv3", stride: 1, pads: [1, 1, 1, 1]);
            var sum4 = Graph.AddNode("Add", prefix + "_sum4", [out1, Graph.AddNode("Add", prefix + "_sum234",
                [out2, Graph.AddNode("Add", prefix + "_sum34", [out3, out4])])]);
            return Graph.AddNode("Relu", prefix + "_out", [sum4]);
        }

        public string FullyConnected(string x, string weightsName, string biasName)
        {
            var matrix = Tensor(weightsName);
            ExpectRank(matrix, weightsName, 2);
            var product = Graph.AddNode("MatMul", weightsName.Replace('/', '_') + "_product", [x, Weight(weightsName)]);
            return Graph.AddNode("Add", "fc_out", [product, Bias(biasName, matrix.Shape[1])]);
        }

        /// <summary>leaky.ts computes relu(x - 0.1x) + 0.1x: LeakyReLU with alpha 0.1.</summary>
        public string Leaky(string x) => Graph.AddNode("LeakyRelu", x + "_leaky", [x], OnnxAttribute.Of("alpha", 0.1f));

        /// <summary>A 2x2 max pool with TF 'same' padding (after, never before): SAME_UPPER.</summary>
        public string MaxPoolSame(string x, int stride) =>
            Graph.AddNode("MaxPool", x + "_pool", [x],
                OnnxAttribute.Of("kernel_shape", new long[] { 2, 2 }),
                OnnxAttribute.Of("strides", new long[] { stride, stride }),
                OnnxAttribute.Of("auto_pad", "SAME_UPPER"));

        public string Pad(string x, long[] pads)
        {
            var padsName = Graph.AddInitializer(OnnxTensor.FromInt64s(x + "_pads", [pads.Length], pads));
            return Graph.AddNode("Pad", x + "_padded", [x, padsName]);
        }

        /// <summary>A per-channel vector reshaped to [1,C,1,1] (or kept [C] for a conv bias).</summary>
        private string Bias(string name, int channels)
        {
            var tensor = Tensor(name);
            if (tensor.ElementCount != channels)
            {
                throw new ModelImportException($"{modelName}: '{name}' has {tensor.ElementCount} values; the layer has {channels} channels.");
            }
            return name.EndsWith("/bias", StringComparison.Ordinal) && !name.Contains("/scale/", StringComparison.Ordinal)
                ? Weight(name)
                : (tensor with { Shape = [1, channels, 1, 1] }).AddTo(Graph, name.Replace('/', '_'));
        }

        private void ExpectRank(WeightTensor tensor, string name, int rank)
        {
            if (tensor.Shape.Length != rank)
            {
                throw new ModelImportException($"{modelName}: '{name}' has shape [{string.Join(", ", tensor.Shape)}]; a rank-{rank} tensor was expected.");
            }
        }

        public byte[] Finish(string output, string outputName, object[] dims, params (string Key, string Value)[] metadata)
        {
            Graph.AddNodeWithOutput("Identity", outputName, [output]);
            Graph.AddOutput(outputName, dims);
            foreach (var (key, value) in metadata)
            {
                Graph.AddMetadata(key, value);
            }
            var unused = weights.Keys.Where(k => !used.Contains(k)).ToList();
            if (unused.Count > 0)
            {
                // A manifest with weights the architecture never reads is not the network this code describes.
                throw new ModelImportException($"{modelName}: the weights manifest holds weights the network does not use: {string.Join(", ", unused.Take(5))}.");
            }
            return Graph.ToBytes();
        }
    }
}
