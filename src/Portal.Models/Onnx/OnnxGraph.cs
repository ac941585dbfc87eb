using System.Globalization;
using Google.Protobuf;
using GraphProto = global::Onnx.GraphProto;
using ModelProto = global::Onnx.ModelProto;
using OperatorSetIdProto = global::Onnx.OperatorSetIdProto;
using StringStringEntryProto = global::Onnx.StringStringEntryProto;
using TensorShapeProto = global::Onnx.TensorShapeProto;
using TypeProto = global::Onnx.TypeProto;
using ValueInfoProto = global::Onnx.ValueInfoProto;

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
    /// Reads an ONNX model (every field is parsed by the generated protobuf classes) into the parts this
    /// graph holds: nodes, initializers, graph inputs/outputs and metadata.
    /// </summary>
    public static OnnxGraph Read(ReadOnlySpan<byte> model)
    {
        ModelProto proto;
        try
        {
            proto = ModelProto.Parser.ParseFrom(model);
        }
        catch (InvalidProtocolBufferException error)
        {
            // The library's message for a cut file says "truncated"; keep it and say which file format failed.
            throw new InvalidDataException($"The ONNX file is truncated or malformed: {error.Message}", error);
        }
        if (proto.Graph is not { } graphProto)
        {
            throw new InvalidDataException("The ONNX file has no graph.");
        }
        var graph = new OnnxGraph(graphProto.Name);
        var tensors = graphProto.Initializer.Select(OnnxTensor.FromProto).ToList();
        foreach (var tensor in tensors)
        {
            graph.AddInitializer(tensor);
        }
        var initializerNames = tensors.Select(t => t.Name).ToHashSet(StringComparer.Ordinal);
        foreach (var input in graphProto.Input.Where(i => !initializerNames.Contains(i.Name)))
        {
            graph.AddInput(input.Name, Dimensions(input));
        }
        foreach (var node in graphProto.Node)
        {
            graph.AddNode(OnnxNode.FromProto(node));
        }
        foreach (var output in graphProto.Output)
        {
            graph.AddOutput(output.Name, Dimensions(output));
        }
        graph.metadata.AddRange(proto.MetadataProps.Select(p => new KeyValuePair<string, string>(p.Key, p.Value)));
        return graph;
    }

    /// <summary>Writes the model; the same graph always gives the same bytes (fields in field-number order).</summary>
    public void WriteTo(Stream destination) => ToProto().WriteTo(destination);

    public byte[] ToBytes() => ToProto().ToByteArray();

    private ModelProto ToProto()
    {
        var graph = new GraphProto { Name = name };
        graph.Node.AddRange(nodes.Select(n => n.ToProto()));
        graph.Initializer.AddRange(initializers.Select(t => t.ToProto()));
        graph.Input.AddRange(inputs.Select(i => ValueInfo(i.Name, i.Dims)));
        graph.Output.AddRange(outputs.Select(o => ValueInfo(o.Name, o.Dims)));
        var model = new ModelProto
        {
            IrVersion = IrVersion,
            ProducerName = "upscale-portal-importer",
            ProducerVersion = "1",
            Graph = graph,
        };
        model.OpsetImport.Add(new OperatorSetIdProto { Version = OpsetVersion });
        model.MetadataProps.AddRange(metadata.Select(m => new StringStringEntryProto { Key = m.Key, Value = m.Value }));
        return model;
    }

    /// <summary>A float32 tensor value; each dimension a fixed size or a symbolic name.</summary>
    private static ValueInfoProto ValueInfo(string valueName, object[] dims)
    {
        var shape = new TensorShapeProto();
        foreach (var dim in dims)
        {
            shape.Dim.Add(dim is string symbolic
                ? new TensorShapeProto.Types.Dimension { DimParam = symbolic }
                : new TensorShapeProto.Types.Dimension { DimValue = Convert.ToInt64(dim, CultureInfo.InvariantCulture) });
        }
        return new ValueInfoProto
        {
            Name = valueName,
            Type = new TypeProto { TensorType = new TypeProto.Types.Tensor { ElemType = (int)OnnxDataType.Float, Shape = shape } },
        };
    }

    private static object[] Dimensions(ValueInfoProto info) =>
        info.Type?.TensorType?.Shape is { } shape
            ? [.. shape.Dim.Select(d => d.ValueCase switch
            {
                TensorShapeProto.Types.Dimension.ValueOneofCase.DimValue => (object)d.DimValue,
                TensorShapeProto.Types.Dimension.ValueOneofCase.DimParam => d.DimParam,
                _ => "?",
            })]
            : [];

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
