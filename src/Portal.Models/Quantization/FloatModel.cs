using Portal.Models.Onnx;

namespace Portal.Models.Quantization;

/// <summary>
/// The float model parsed once, with what every QDQ rewrite of it needs: the folded constant
/// weights, who consumes and produces each tensor, and the initializers. The quantizer rewrites
/// the same model dozens of times while it searches for the layers to keep in float.
/// </summary>
internal sealed class FloatModel
{
    private HashSet<OnnxNode>? outputConvs;

    public FloatModel(byte[] onnx)
    {
        Onnx = onnx;
        Graph = OnnxGraph.Read(onnx);
        Constants = ConstantFolder.Fold(Graph);
        Initializers = Graph.Initializers.ToDictionary(t => t.Name, StringComparer.Ordinal);
        Producers = Graph.Nodes.SelectMany(n => n.Outputs.Select(o => (Output: o, Node: n)))
            .ToDictionary(p => p.Output, p => p.Node, StringComparer.Ordinal);
        foreach (var node in Graph.Nodes)
        {
            foreach (var input in node.Inputs.Where(i => i.Length > 0))
            {
                (Consumers.TryGetValue(input, out var list) ? list : Consumers[input] = []).Add(node);
            }
        }
    }

    public byte[] Onnx { get; }

    public OnnxGraph Graph { get; }

    /// <summary>Float values of the constant tensors, including weights stored compactly behind Cast/Mul/Add.</summary>
    public Dictionary<string, float[]> Constants { get; }

    public Dictionary<string, OnnxTensor> Initializers { get; }

    public Dictionary<string, OnnxNode> Producers { get; }

    public Dictionary<string, List<OnnxNode>> Consumers { get; } = new(StringComparer.Ordinal);

    /// <summary>Convs from which a graph output is reached without passing another conv.</summary>
    public HashSet<OnnxNode> OutputConvs => outputConvs ??= FindOutputConvs();

    private HashSet<OnnxNode> FindOutputConvs()
    {
        var outputs = Graph.Outputs.Select(o => o.Name).ToHashSet(StringComparer.Ordinal);
        var result = new HashSet<OnnxNode>();
        foreach (var conv in Graph.Nodes.Where(n => n.OpType == "Conv"))
        {
            var frontier = new Stack<string>(conv.Outputs);
            var seen = new HashSet<string>(StringComparer.Ordinal);
            while (frontier.TryPop(out var tensor))
            {
                if (!seen.Add(tensor))
                {
                    continue;
                }
                if (outputs.Contains(tensor))
                {
                    result.Add(conv);
                    break;
                }
                foreach (var next in Consumers.GetValueOrDefault(tensor) ?? [])
                {
                    if (next.OpType != "Conv")
                    {
                        foreach (var o in next.Outputs)
                        {
                            frontier.Push(o);
                        }
                    }
                }
            }
        }
        return result;
    }
}
