using Portal.Models.Onnx;
using static TorchSharp.torch;

namespace Portal.Training.Architectures;

/// <summary>
/// A generator: float32 [N,3,H,W] RGB in 0..1 to [N,3,sH,sW]. The forward pass is unclipped
/// (gradients flow at the range ends); the exported ONNX graph clips to 0..1, as every model
/// the engine runs does.
/// </summary>
public abstract class SuperResolutionNetwork(string name) : nn.Module<Tensor, Tensor>(name)
{
    public abstract int Scale { get; }

    /// <summary>Layers with weights in graph order: what ONNX import and export walk.</summary>
    internal abstract IReadOnlyList<nn.Module> WeightedLayers { get; }

    /// <summary>Writes the network as an ONNX graph ("input" -> "output", dynamic height and width).</summary>
    internal abstract void Export(OnnxGraph graph, string input, OnnxWriter writer, out string output);

    public long ParameterCount => parameters().Sum(p => p.numel());

    public byte[] ToOnnx(string modelName)
    {
        var graph = new OnnxGraph(modelName);
        var input = graph.AddInput("input", 1, 3, "height", "width");
        using (no_grad())
        {
            Export(graph, input, new OnnxWriter(graph), out var raw);
            var zero = graph.AddScalar("clip_min", 0f);
            var one = graph.AddScalar("clip_max", 1f);
            graph.AddNodeWithOutput("Clip", "output", [raw, zero, one]);
        }
        graph.AddOutput("output", 1, 3, "out_height", "out_width");
        graph.AddMetadata("upscale_portal.scale", Scale.ToString(System.Globalization.CultureInfo.InvariantCulture));
        graph.AddMetadata("upscale_portal.trained_by", "Portal.Training");
        return graph.ToBytes();
    }

    /// <summary>
    /// Copies weights from an ONNX model of the same layout: its Conv and PRelu nodes, in graph
    /// order, name the initializers that fill <see cref="WeightedLayers"/>. Shapes must match exactly.
    /// </summary>
    public void LoadOnnx(byte[] onnx, string sourceName)
    {
        var found = OnnxWeightReader.Read(onnx, sourceName);
        var layers = WeightedLayers;
        if (found.Count != layers.Count)
        {
            throw new TrainingException(
                $"{sourceName} has {found.Count} convolution and PReLU layers; the {GetName()} architecture configured here has {layers.Count}. " +
                "Check the recipe's architecture (features, convolutions, scale).");
        }
        using var _ = no_grad();
        for (var i = 0; i < layers.Count; i++)
        {
            var (layer, weights) = (layers[i], found[i]);
            var expectedKind = layer is TorchSharp.Modules.PReLU ? "PRelu" : "Conv";
            if (weights.OpType != expectedKind)
            {
                throw new TrainingException($"{sourceName}: layer {i} ('{weights.NodeName}') is {weights.OpType}; the architecture expects {expectedKind} there.");
            }
            var parameters = layer.parameters().ToList();
            for (var p = 0; p < parameters.Count; p++)
            {
                var target = parameters[p];
                var source = p < weights.Tensors.Count ? weights.Tensors[p]
                    : throw new TrainingException($"{sourceName}: node '{weights.NodeName}' has no {(p == 1 ? "bias" : "parameter " + p)}.");
                if (source.Values.Length != target.numel())
                {
                    throw new TrainingException(
                        $"{sourceName}: '{source.Name}' holds {source.Values.Length} values as [{string.Join(",", source.Dims)}]; layer {i} needs [{string.Join(",", target.shape)}].");
                }
                using var values = tensor(source.Values).reshape(target.shape);
                target.copy_(values);
            }
        }
    }
}
