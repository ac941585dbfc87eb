using System.Runtime.InteropServices;
using Portal.Models.Onnx;
using Portal.Models.Quantization;

namespace Portal.Models.Analysis;

/// <summary>
/// Reads the committed feature network (mobilenet-v2-features.onnx) back as a list of float32
/// layers with batch normalisation folded into the convolutions: what a training framework needs
/// to rebuild the same trunk and use it as a feature loss. <see cref="ToOnnx"/> writes the list
/// as a graph again, which is how the tests prove the list computes what the network computes.
/// </summary>
public static class FeatureTrunk
{
    public static IReadOnlyList<FeatureLayer> Read(string modelsDirectory) =>
        Read(File.ReadAllBytes(AnalysisNetworks.PathOf(modelsDirectory, AnalysisNetworks.MobileNetFeatures)));

    public static IReadOnlyList<FeatureLayer> Read(byte[] onnx)
    {
        var graph = OnnxGraph.Read(onnx);
        var constants = ConstantFolder.Fold(graph);
        var initializers = graph.Initializers.ToDictionary(t => t.Name, StringComparer.Ordinal);
        var producers = graph.Nodes.SelectMany(n => n.Outputs.Select(o => (o, n))).ToDictionary(p => p.o, p => p.n, StringComparer.Ordinal);
        bool IsConstant(string name) => constants.ContainsKey(name) || initializers.ContainsKey(name);

        var layers = new List<FeatureLayer>();
        // A value renamed by folding (a BN's Mul/Add absorbed into its conv) maps to the layer that now produces it.
        var aliases = new Dictionary<string, string>(StringComparer.Ordinal);
        string Source(string value) => aliases.TryGetValue(value, out var alias) ? alias : value;
        FeatureLayer? pendingConv = null;
        var input = graph.Inputs[0].Name;
        float scale = 1, offset = 0;

        foreach (var node in graph.Nodes)
        {
            var runtimeInputs = node.Inputs.Where(i => i.Length > 0 && !IsConstant(i)).ToList();
            if (runtimeInputs.Count == 0)
            {
                continue; // weight dequantisation (Cast/Mul/Add on constants)
            }
            var output = node.Outputs[0];
            switch (node.OpType)
            {
                case "Mul" when runtimeInputs[0] == input:
                    scale = Scalar(constants, node.Inputs[1]);
                    aliases[output] = "input";
                    break;
                case "Add" when Source(runtimeInputs[0]) == "input" && runtimeInputs.Count == 1 && layers.Count == 0:
                    offset = Scalar(constants, node.Inputs[1]);
                    layers.Add(new FeatureLayer("input", "Affine", [], Scale: scale, Offset: offset));
                    aliases[output] = "input";
                    break;
                case "Conv":
                    Flush();
                    var weight = constants[node.Inputs[1]];
                    var dims = DimsOf(node.Inputs[1], initializers, producers);
                    pendingConv = new FeatureLayer(output, "Conv", [Source(runtimeInputs[0])], weight, dims,
                        node.Inputs.Length > 2 && node.Inputs[2].Length > 0 ? constants[node.Inputs[2]] : new float[dims[0]],
                        Ints(node, "strides") ?? [1, 1], Pads(Ints(node, "pads")), Attribute(node, "group")?.Int ?? 1);
                    break;
                case "Mul" when pendingConv is not null && runtimeInputs.Count == 1 && runtimeInputs[0] == pendingConv.Name:
                    var gamma = constants[node.Inputs[1]];
                    var perOutput = pendingConv.Weight!.Length / gamma.Length;
                    pendingConv = pendingConv with
                    {
                        Name = output,
                        Weight = pendingConv.Weight.Select((w, i) => w * gamma[i / perOutput]).ToArray(),
                        Bias = pendingConv.Bias!.Select((b, i) => b * gamma[i]).ToArray(),
                    };
                    break;
                case "Add" when pendingConv is not null && runtimeInputs.Count == 1 && runtimeInputs[0] == pendingConv.Name:
                    var beta = constants[node.Inputs[1]];
                    pendingConv = pendingConv with { Name = output, Bias = pendingConv.Bias!.Select((b, i) => b + beta[i]).ToArray() };
                    break;
                case "Clip":
                    Flush();
                    layers.Add(new FeatureLayer(output, "Clip", [Source(runtimeInputs[0])], ClipMax: Scalar(constants, node.Inputs[2])));
                    break;
                case "Pad":
                    Flush();
                    var pads = MemoryMarshal.Cast<byte, long>(initializers[node.Inputs[1]].RawData).ToArray();
                    layers.Add(new FeatureLayer(output, "Pad", [Source(runtimeInputs[0])], Pads: [pads[2], pads[3], pads[6], pads[7]]));
                    break;
                case "Add" when runtimeInputs.Count == 2:
                    Flush();
                    layers.Add(new FeatureLayer(output, "Add", runtimeInputs.Select(Source).ToArray()));
                    break;
                case "Identity":
                    Flush();
                    layers.Add(new FeatureLayer(output, "Output", [Source(runtimeInputs[0])]));
                    break;
                default:
                    throw new InvalidDataException($"The feature network has a {node.OpType} node ('{output}') the trunk reader does not know.");
            }
        }
        Flush();
        return layers;

        void Flush()
        {
            if (pendingConv is not null)
            {
                layers.Add(pendingConv);
                pendingConv = null;
            }
        }
    }

    /// <summary>The layers as an ONNX graph with float32 weights (input 0..1 RGB, one output per tap).</summary>
    public static byte[] ToOnnx(IReadOnlyList<FeatureLayer> layers)
    {
        var graph = new OnnxGraph("feature-trunk");
        graph.AddInput("input", "batch", 3, "height", "width");
        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var layer in layers)
        {
            var inputs = layer.Inputs.Select(i => values[i]).ToArray();
            values[layer.Name] = layer.Op switch
            {
                "Affine" => graph.AddNode("Add", "affine", [graph.AddNode("Mul", "scaled", ["input", graph.AddScalar("scale", layer.Scale)]), graph.AddScalar("offset", layer.Offset)]),
                "Conv" => graph.AddNode("Conv", layer.Name, [inputs[0],
                        graph.AddInitializer(OnnxTensor.FromFloats(layer.Name + "_w", layer.WeightDims!, layer.Weight)),
                        graph.AddInitializer(OnnxTensor.FromFloats(layer.Name + "_b", [layer.Bias!.Length], layer.Bias))],
                    OnnxAttribute.Of("strides", layer.Strides!), OnnxAttribute.Of("pads", layer.Pads!), OnnxAttribute.Of("group", layer.Group),
                    OnnxAttribute.Of("kernel_shape", new[] { layer.WeightDims![2], layer.WeightDims[3] })),
                "Pad" => graph.AddNode("Pad", layer.Name, [inputs[0], graph.AddInitializer(OnnxTensor.FromInt64s(layer.Name + "_pads", [8],
                    [0, 0, layer.Pads![0], layer.Pads[1], 0, 0, layer.Pads[2], layer.Pads[3]]))]),
                "Clip" => graph.AddNode("Clip", layer.Name, [inputs[0], graph.AddScalar(layer.Name + "_min", 0), graph.AddScalar(layer.Name + "_max", layer.ClipMax)]),
                "Add" => graph.AddNode("Add", layer.Name, inputs),
                "Output" => Output(graph, layer.Name, inputs[0]),
                _ => throw new InvalidDataException($"Unknown feature layer op '{layer.Op}'."),
            };
        }
        return graph.ToBytes();
    }

    private static string Output(OnnxGraph graph, string name, string input)
    {
        graph.AddNodeWithOutput("Identity", name, [input]);
        graph.AddOutput(name, "batch", "channels", "rows", "columns");
        return name;
    }

    private static long[] DimsOf(string name, Dictionary<string, OnnxTensor> initializers, Dictionary<string, OnnxNode> producers)
    {
        // Follow the dequantisation chain (Add <- Mul <- Cast) back to the stored tensor.
        while (!initializers.ContainsKey(name))
        {
            name = producers[name].Inputs[0];
        }
        return initializers[name].Dims;
    }

    private static long[] Pads(long[]? onnxPads) => onnxPads is { Length: 4 } p ? [p[0], p[1], p[2], p[3]] : [0, 0, 0, 0];

    private static OnnxAttribute? Attribute(OnnxNode node, string name) => node.Attributes.FirstOrDefault(a => a.Name == name);

    private static long[]? Ints(OnnxNode node, string name) => Attribute(node, name)?.Ints;

    private static float Scalar(Dictionary<string, float[]> constants, string name) => constants[name][0];
}
