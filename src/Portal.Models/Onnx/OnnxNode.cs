using NodeProto = global::Onnx.NodeProto;

namespace Portal.Models.Onnx;

/// <summary>One operator in the graph.</summary>
internal sealed record OnnxNode(string OpType, string Name, string[] Inputs, string[] Outputs, OnnxAttribute[] Attributes)
{
    internal NodeProto ToProto()
    {
        var proto = new NodeProto { Name = Name, OpType = OpType };
        proto.Input.AddRange(Inputs);
        proto.Output.AddRange(Outputs);
        proto.Attribute.AddRange(Attributes.Select(a => a.ToProto()));
        return proto;
    }

    internal static OnnxNode FromProto(NodeProto proto)
    {
        if (proto.Domain.Length > 0)
        {
            throw new InvalidDataException($"Node '{proto.Name}' uses operator domain '{proto.Domain}'; only the default domain is supported.");
        }
        return new OnnxNode(proto.OpType, proto.Name, [.. proto.Input], [.. proto.Output],
            [.. proto.Attribute.Select(a => OnnxAttribute.FromProto(a, proto.Name))]);
    }
}
