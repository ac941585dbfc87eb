using Google.Protobuf;
using AttributeProto = global::Onnx.AttributeProto;

namespace Portal.Models.Onnx;

/// <summary>A node attribute: exactly one of the value fields is set.</summary>
internal sealed record OnnxAttribute(string Name, long? Int = null, float? Float = null, string? Text = null, long[]? Ints = null)
{
    public static OnnxAttribute Of(string name, long value) => new(name, Int: value);

    public static OnnxAttribute Of(string name, float value) => new(name, Float: value);

    public static OnnxAttribute Of(string name, string value) => new(name, Text: value);

    public static OnnxAttribute Of(string name, long[] values) => new(name, Ints: values);

    internal AttributeProto ToProto()
    {
        var proto = new AttributeProto { Name = Name };
        if (Float is { } f)
        {
            proto.F = f;
            proto.Type = AttributeProto.Types.AttributeType.Float;
        }
        else if (Int is { } i)
        {
            proto.I = i;
            proto.Type = AttributeProto.Types.AttributeType.Int;
        }
        else if (Text is { } s)
        {
            proto.S = ByteString.CopyFromUtf8(s);
            proto.Type = AttributeProto.Types.AttributeType.String;
        }
        else if (Ints is { } ints)
        {
            proto.Ints.AddRange(ints);
            proto.Type = AttributeProto.Types.AttributeType.Ints;
        }
        return proto;
    }

    /// <summary>The attribute kinds our graphs use; a tensor, graph or list of floats or strings is refused, not dropped.</summary>
    internal static OnnxAttribute FromProto(AttributeProto proto, string nodeName)
    {
        var type = proto.HasType ? proto.Type : AttributeProto.Types.AttributeType.Undefined;
        return type switch
        {
            AttributeProto.Types.AttributeType.Float => new(proto.Name, Float: proto.F),
            AttributeProto.Types.AttributeType.Int => new(proto.Name, Int: proto.I),
            AttributeProto.Types.AttributeType.String => new(proto.Name, Text: proto.S.ToStringUtf8()),
            AttributeProto.Types.AttributeType.Ints => new(proto.Name, Ints: [.. proto.Ints]),
            AttributeProto.Types.AttributeType.Undefined => new(proto.Name,
                Int: proto.HasI ? proto.I : null,
                Float: proto.HasF ? proto.F : null,
                Text: proto.HasS ? proto.S.ToStringUtf8() : null,
                Ints: proto.Ints.Count > 0 ? [.. proto.Ints] : null),
            _ => throw new InvalidDataException(
                $"Node '{nodeName}' has attribute '{proto.Name}' of type {type}; only int, float, string and int-list attributes are supported."),
        };
    }
}
