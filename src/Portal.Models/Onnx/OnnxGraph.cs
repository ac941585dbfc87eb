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

    public string Name => name;

    public IReadOnlyList<(string Name, object[] Dims)> Inputs => inputs;

    public IReadOnlyList<(string Name, object[] Dims)> Outputs => outputs;

    public IReadOnlyList<KeyValuePair<string, string>> Metadata => metadata;

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

    /// <summary>Adds a node exactly as given (names kept), e.g. when copying a graph read from a file.</summary>
    public void AddNode(OnnxNode node)
    {
        foreach (var output in node.Outputs)
        {
            usedNames.Add(output);
        }
        nodes.Add(node);
    }

    /// <summary>
    /// Reads a model this project wrote (or any ONNX file using raw tensor data and the same
    /// subset of fields): nodes, initializers, graph inputs/outputs and metadata.
    /// </summary>
    public static OnnxGraph Read(ReadOnlySpan<byte> model)
    {
        OnnxGraph? graph = null;
        var metadata = new List<KeyValuePair<string, string>>();
        var reader = new ProtoReader(model);
        while (reader.Next())
        {
            switch (reader.Field)
            {
                case 7:
                    graph = ReadGraph(reader.ReadBytes());
                    break;
                case 14:
                    metadata.Add(ReadKeyValue(reader.ReadBytes()));
                    break;
                default:
                    reader.Skip();
                    break;
            }
        }
        if (graph is null)
        {
            throw new InvalidDataException("The ONNX file has no graph.");
        }
        graph.metadata.AddRange(metadata);
        return graph;
    }

    private static OnnxGraph ReadGraph(ReadOnlySpan<byte> bytes)
    {
        var nodes = new List<OnnxNode>();
        var tensors = new List<OnnxTensor>();
        var inputs = new List<(string, object[])>();
        var outputs = new List<(string, object[])>();
        var graphName = "";
        var reader = new ProtoReader(bytes);
        while (reader.Next())
        {
            switch (reader.Field)
            {
                case 1: nodes.Add(ReadNode(reader.ReadBytes())); break;
                case 2: graphName = reader.ReadString(); break;
                case 5: tensors.Add(ReadTensor(reader.ReadBytes())); break;
                case 11: inputs.Add(ReadValueInfo(reader.ReadBytes())); break;
                case 12: outputs.Add(ReadValueInfo(reader.ReadBytes())); break;
                default: reader.Skip(); break;
            }
        }
        var graph = new OnnxGraph(graphName);
        foreach (var tensor in tensors)
        {
            graph.AddInitializer(tensor);
        }
        foreach (var (inputName, dims) in inputs.Where(i => tensors.All(t => t.Name != i.Item1)))
        {
            graph.AddInput(inputName, dims);
        }
        foreach (var node in nodes)
        {
            graph.AddNode(node);
        }
        foreach (var (outputName, dims) in outputs)
        {
            graph.AddOutput(outputName, dims);
        }
        return graph;
    }

    private static OnnxNode ReadNode(ReadOnlySpan<byte> bytes)
    {
        var nodeInputs = new List<string>();
        var nodeOutputs = new List<string>();
        var attributes = new List<OnnxAttribute>();
        string nodeName = "", opType = "";
        var reader = new ProtoReader(bytes);
        while (reader.Next())
        {
            switch (reader.Field)
            {
                case 1: nodeInputs.Add(reader.ReadString()); break;
                case 2: nodeOutputs.Add(reader.ReadString()); break;
                case 3: nodeName = reader.ReadString(); break;
                case 4: opType = reader.ReadString(); break;
                case 5: attributes.Add(ReadAttribute(reader.ReadBytes())); break;
                case 7:
                    var domain = reader.ReadString();
                    if (domain.Length > 0)
                    {
                        throw new InvalidDataException($"Node '{nodeName}' uses operator domain '{domain}'; only the default domain is supported.");
                    }
                    break;
                default: reader.Skip(); break;
            }
        }
        return new OnnxNode(opType, nodeName, [.. nodeInputs], [.. nodeOutputs], [.. attributes]);
    }

    private static OnnxAttribute ReadAttribute(ReadOnlySpan<byte> bytes)
    {
        string attributeName = "";
        long? integer = null;
        float? single = null;
        string? text = null;
        List<long>? ints = null;
        var reader = new ProtoReader(bytes);
        while (reader.Next())
        {
            switch (reader.Field)
            {
                case 1: attributeName = reader.ReadString(); break;
                case 2: single = reader.ReadFloat(); break;
                case 3: integer = reader.ReadInt64(); break;
                case 4: text = reader.ReadString(); break;
                case 8: reader.ReadInt64s(ints ??= []); break;
                case 20: reader.ReadInt64(); break;
                default: reader.Skip(); break;
            }
        }
        return new OnnxAttribute(attributeName, integer, single, text, ints?.ToArray());
    }

    private static OnnxTensor ReadTensor(ReadOnlySpan<byte> bytes)
    {
        var dims = new List<long>();
        var dataType = 0;
        string tensorName = "";
        byte[]? raw = null;
        var reader = new ProtoReader(bytes);
        while (reader.Next())
        {
            switch (reader.Field)
            {
                case 1: reader.ReadInt64s(dims); break;
                case 2: dataType = (int)reader.ReadInt64(); break;
                case 8: tensorName = reader.ReadString(); break;
                case 9: raw = reader.ReadBytes().ToArray(); break;
                case 4 or 5 or 7 or 10 or 11 or 13:
                    throw new InvalidDataException($"Initializer '{tensorName}' stores its values in typed fields; only raw_data is supported.");
                default: reader.Skip(); break;
            }
        }
        return new OnnxTensor(tensorName, (OnnxDataType)dataType, [.. dims], raw ?? []);
    }

    private static (string Name, object[] Dims) ReadValueInfo(ReadOnlySpan<byte> bytes)
    {
        string valueName = "";
        var dims = new List<object>();
        var reader = new ProtoReader(bytes);
        while (reader.Next())
        {
            if (reader.Field == 1)
            {
                valueName = reader.ReadString();
            }
            else if (reader.Field == 2)
            {
                ReadTensorShape(reader.ReadBytes(), dims);
            }
            else
            {
                reader.Skip();
            }
        }
        return (valueName, [.. dims]);
    }

    private static void ReadTensorShape(ReadOnlySpan<byte> typeProto, List<object> dims)
    {
        // TypeProto.tensor_type (1) -> TypeProto.Tensor.shape (2) -> TensorShapeProto.dim (1).
        var type = new ProtoReader(typeProto);
        while (type.Next())
        {
            if (type.Field != 1) { type.Skip(); continue; }
            var tensorType = new ProtoReader(type.ReadBytes());
            while (tensorType.Next())
            {
                if (tensorType.Field != 2) { tensorType.Skip(); continue; }
                var shape = new ProtoReader(tensorType.ReadBytes());
                while (shape.Next())
                {
                    if (shape.Field != 1) { shape.Skip(); continue; }
                    var dimension = new ProtoReader(shape.ReadBytes());
                    object dim = "?";
                    while (dimension.Next())
                    {
                        if (dimension.Field == 1) dim = dimension.ReadInt64();
                        else if (dimension.Field == 2) dim = dimension.ReadString();
                        else dimension.Skip();
                    }
                    dims.Add(dim);
                }
            }
        }
    }

    private static KeyValuePair<string, string> ReadKeyValue(ReadOnlySpan<byte> bytes)
    {
        string key = "", value = "";
        var reader = new ProtoReader(bytes);
        while (reader.Next())
        {
            if (reader.Field == 1) key = reader.ReadString();
            else if (reader.Field == 2) value = reader.ReadString();
            else reader.Skip();
        }
        return new(key, value);
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
