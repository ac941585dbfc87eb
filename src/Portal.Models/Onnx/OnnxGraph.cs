namespace Portal.Models.Onnx;

/// <summary>
/// Builds one ONNX model in memory and serialises it deterministically: no timestamps, no
/// random ids, nodes and initializers in insertion order.
/// </summary>
internal sealed class OnnxGraph(string name)
{
    private const long IrVersion = 8;
    public const long OpsetVersion = 17;

    private readonly List<OnnxNode> nodes = [];
    private readonly List<OnnxTensor> initializers = [];
    private readonly HashSet<string> usedNames = new(StringComparer.Ordinal);
    private readonly List<(string Name, object[] Dims)> inputs = [];
    private readonly List<(string Name, object[] Dims)> outputs = [];
    private readonly List<KeyValuePair<string, string>> metadata = [];

    public IReadOnlyList<OnnxNode> Nodes => nodes;

    public IReadOnlyList<OnnxTensor> Initializers => initializers;

    /// <summary>Declares a float32 graph input; a dimension is a fixed number or a symbolic name.</summary>
    public string AddInput(string inputName, params object[] dims)
    {
        usedNames.Add(inputName);
        inputs.Add((inputName, dims));
        return inputName;
    }

    public void AddOutput(string outputName, params object[] dims) => outputs.Add((outputName, dims));

    public void AddMetadata(string key, string value) => metadata.Add(new(key, value));

    public string AddInitializer(OnnxTensor tensor)
    {
        var unique = UniqueName(tensor.Name);
        initializers.Add(tensor with { Name = unique });
        return unique;
    }

    public string AddScalar(string nameHint, float value) => AddInitializer(OnnxTensor.Scalar(nameHint, value));

    /// <summary>Adds a single-output node and returns its output name.</summary>
    public string AddNode(string opType, string nameHint, string[] nodeInputs, params OnnxAttribute[] attributes)
    {
        var output = UniqueName(nameHint);
        nodes.Add(new OnnxNode(opType, output, nodeInputs, [output], attributes));
        return output;
    }

    /// <summary>Adds a node whose output gets an exact name (the graph output).</summary>
    public void AddNodeWithOutput(string opType, string output, string[] nodeInputs, params OnnxAttribute[] attributes)
    {
        usedNames.Add(output);
        nodes.Add(new OnnxNode(opType, output, nodeInputs, [output], attributes));
    }

    public void WriteTo(Stream destination)
    {
        var model = new ProtoWriter();
        model.WriteInt64(1, IrVersion);
        model.WriteString(2, "upscale-portal-importer");
        model.WriteString(3, "1");
        model.WriteMessage(7, WriteGraph);
        model.WriteMessage(8, opset => opset.WriteInt64(2, OpsetVersion));
        foreach (var entry in metadata)
        {
            model.WriteMessage(14, kv =>
            {
                kv.WriteString(1, entry.Key);
                kv.WriteString(2, entry.Value);
            });
        }
        model.CopyTo(destination);
    }

    public byte[] ToBytes()
    {
        using var stream = new MemoryStream();
        WriteTo(stream);
        return stream.ToArray();
    }

    private void WriteGraph(ProtoWriter graph)
    {
        foreach (var node in nodes)
        {
            graph.WriteMessage(1, node.WriteTo);
        }
        graph.WriteString(2, name);
        foreach (var tensor in initializers)
        {
            graph.WriteMessage(5, tensor.WriteTo);
        }
        foreach (var (inputName, dims) in inputs)
        {
            graph.WriteMessage(11, info => WriteValueInfo(info, inputName, dims));
        }
        foreach (var (outputName, dims) in outputs)
        {
            graph.WriteMessage(12, info => WriteValueInfo(info, outputName, dims));
        }
    }

    private static void WriteValueInfo(ProtoWriter info, string valueName, object[] dims)
    {
        info.WriteString(1, valueName);
        info.WriteMessage(2, type => type.WriteMessage(1, tensorType =>
        {
            tensorType.WriteInt32(1, (int)OnnxDataType.Float);
            tensorType.WriteMessage(2, shape =>
            {
                foreach (var dim in dims)
                {
                    shape.WriteMessage(1, dimension =>
                    {
                        if (dim is string symbolic)
                        {
                            dimension.WriteString(2, symbolic);
                        }
                        else
                        {
                            dimension.WriteInt64(1, Convert.ToInt64(dim, System.Globalization.CultureInfo.InvariantCulture));
                        }
                    });
                }
            });
        }));
    }

    private string UniqueName(string hint)
    {
        var candidate = hint;
        for (var suffix = 1; !usedNames.Add(candidate); suffix++)
        {
            candidate = $"{hint}_{suffix}";
        }
        return candidate;
    }
}
