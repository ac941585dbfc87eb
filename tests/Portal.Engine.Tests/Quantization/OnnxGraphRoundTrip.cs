using Portal.Engine.Tests.Support;
using Google.Protobuf;
using Onnx;
using Portal.Models.Onnx;

namespace Portal.Engine.Tests.Quantization;

/// <summary>The ONNX reader the quantizer uses must see exactly what the writer wrote.</summary>
public sealed class OnnxGraphRoundTrip
{
    public static TheoryData<string> CommittedModels() =>
        [.. Directory.GetFiles(RepoPaths.Models, "*.onnx").Select(Path.GetFileName).OfType<string>().Order(StringComparer.Ordinal)];

    [Theory]
    [MemberData(nameof(CommittedModels))]
    public void Reading_and_writing_a_committed_model_gives_the_same_bytes(string file)
    {
        var bytes = File.ReadAllBytes(Path.Combine(RepoPaths.Models, file));

        var graph = OnnxGraph.Read(bytes);

        Assert.NotEmpty(graph.Nodes);
        Assert.Equal("input", graph.Inputs[0].Name);
        Assert.Equal("output", graph.Outputs[0].Name);
        Assert.Equal(bytes, graph.ToBytes());
    }

    [Fact]
    public void A_truncated_model_is_refused_with_a_reason()
    {
        var bytes = File.ReadAllBytes(Path.Combine(RepoPaths.Models, "esrgan-slim-x2.onnx"));

        var error = Assert.Throws<InvalidDataException>(() => OnnxGraph.Read(bytes.AsSpan(0, bytes.Length / 2)));

        Assert.Contains("truncated", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Typed_initializer_fields_are_read_as_raw_data()
    {
        // Other exporters store small tensors in float_data / int64_data instead of raw_data.
        var model = new ModelProto { Graph = new GraphProto { Name = "typed" } };
        var floats = new TensorProto { Name = "scale", DataType = (int)OnnxDataType.Float };
        floats.Dims.Add(2);
        floats.FloatData.Add([0.5f, -2f]);
        var longs = new TensorProto { Name = "shape", DataType = (int)OnnxDataType.Int64 };
        longs.Dims.Add(1);
        longs.Int64Data.Add(7);
        model.Graph.Initializer.Add([floats, longs]);

        var graph = OnnxGraph.Read(model.ToByteArray());

        Assert.Equal(OnnxTensor.FromFloats("scale", [2], [0.5f, -2f]), graph.Initializers[0], TensorComparer.Instance);
        Assert.Equal(OnnxTensor.FromInt64s("shape", [1], [7]), graph.Initializers[1], TensorComparer.Instance);
    }

    [Fact]
    public void An_attribute_kind_the_graph_cannot_hold_is_refused_not_dropped()
    {
        var model = new ModelProto { Graph = new GraphProto { Name = "constant" } };
        var node = new NodeProto { Name = "c", OpType = "Constant" };
        node.Output.Add("c");
        node.Attribute.Add(new AttributeProto { Name = "value", Type = AttributeProto.Types.AttributeType.Tensor, T = new TensorProto { Name = "v" } });
        model.Graph.Node.Add(node);

        var error = Assert.Throws<InvalidDataException>(() => OnnxGraph.Read(model.ToByteArray()));

        Assert.Contains("Node 'c' has attribute 'value' of type Tensor", error.Message, StringComparison.Ordinal);
    }

    /// <summary>Records hold arrays: compare them by content.</summary>
    private sealed class TensorComparer : IEqualityComparer<OnnxTensor>
    {
        public static readonly TensorComparer Instance = new();

        public bool Equals(OnnxTensor? x, OnnxTensor? y) =>
            x is not null && y is not null && x.Name == y.Name && x.DataType == y.DataType
            && x.Dims.SequenceEqual(y.Dims) && x.RawData.SequenceEqual(y.RawData);

        public int GetHashCode(OnnxTensor obj) => obj.Name.GetHashCode(StringComparison.Ordinal);
    }
}
