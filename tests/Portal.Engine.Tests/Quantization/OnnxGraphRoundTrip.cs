using Portal.Engine.Tests.Support;
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
}
