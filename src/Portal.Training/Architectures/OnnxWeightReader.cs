using Portal.Models.Onnx;

namespace Portal.Training.Architectures;

/// <summary>Reads the weights of an ONNX super-resolution graph by the names its Conv and PRelu nodes use.</summary>
internal static class OnnxWeightReader
{
    public sealed record NamedValues(string Name, long[] Dims, float[] Values);

    public sealed record LayerWeights(string OpType, string NodeName, IReadOnlyList<NamedValues> Tensors);

    public static IReadOnlyList<LayerWeights> Read(byte[] onnx, string sourceName)
    {
        OnnxGraph graph;
        try
        {
            graph = OnnxGraph.Read(onnx);
        }
        catch (Exception error) when (error is InvalidDataException or IndexOutOfRangeException or ArgumentOutOfRangeException)
        {
            throw new TrainingException($"{sourceName} is not an ONNX model this project can read: {error.Message}", error);
        }
        var initializers = graph.Initializers.ToDictionary(t => t.Name, StringComparer.Ordinal);
        var producers = new Dictionary<string, OnnxNode>(StringComparer.Ordinal);
        foreach (var node in graph.Nodes)
        {
            foreach (var output in node.Outputs)
            {
                producers[output] = node;
            }
        }
        var layers = new List<LayerWeights>();
        foreach (var node in graph.Nodes.Where(n => n.OpType is "Conv" or "PRelu"))
        {
            var tensors = node.Inputs.Skip(1).Where(i => i.Length > 0).Select(name => Resolve(name, initializers, producers, sourceName)).ToList();
            layers.Add(new LayerWeights(node.OpType, node.Name.Length > 0 ? node.Name : node.Outputs[0], tensors));
        }
        return layers;
    }

    /// <summary>An initializer, possibly behind the Cast that turns stored float16 weights into float32.</summary>
    private static NamedValues Resolve(string name, Dictionary<string, OnnxTensor> initializers, Dictionary<string, OnnxNode> producers, string sourceName)
    {
        if (!initializers.TryGetValue(name, out var tensor))
        {
            if (producers.TryGetValue(name, out var cast) && cast.OpType == "Cast")
            {
                return Resolve(cast.Inputs[0], initializers, producers, sourceName);
            }
            throw new TrainingException($"{sourceName}: weight '{name}' is computed by the graph, not stored; only stored (or cast) weights can be loaded.");
        }
        var count = checked((int)tensor.ElementCount);
        var values = new float[count];
        switch (tensor.DataType)
        {
            case OnnxDataType.Float:
                Buffer.BlockCopy(tensor.RawData, 0, values, 0, count * 4);
                break;
            case OnnxDataType.Float16:
                for (var i = 0; i < count; i++)
                {
                    values[i] = (float)BitConverter.ToHalf(tensor.RawData, i * 2);
                }
                break;
            default:
                throw new TrainingException($"{sourceName}: weight '{name}' is stored as {tensor.DataType}; only float32 and float16 weights can be loaded (not quantized models).");
        }
        return new NamedValues(tensor.Name, tensor.Dims, values);
    }
}
