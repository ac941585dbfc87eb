namespace Portal.Models.Onnx;

/// <summary>One operator in the graph.</summary>
internal sealed record OnnxNode(string OpType, string Name, string[] Inputs, string[] Outputs, OnnxAttribute[] Attributes)
{
    internal void WriteTo(ProtoWriter writer)
    {
        foreach (var input in Inputs)
        {
            writer.WriteString(1, input);
        }
        foreach (var output in Outputs)
        {
            writer.WriteString(2, output);
        }
        writer.WriteString(3, Name);
        writer.WriteString(4, OpType);
        foreach (var attribute in Attributes)
        {
            writer.WriteMessage(5, attribute.WriteTo);
        }
    }
}
