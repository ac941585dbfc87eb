namespace Portal.Models.Onnx;

/// <summary>A node attribute: exactly one of the value fields is set.</summary>
internal sealed record OnnxAttribute(string Name, long? Int = null, float? Float = null, string? Text = null, long[]? Ints = null)
{
    private const int TypeFloat = 1;
    private const int TypeInt = 2;
    private const int TypeString = 3;
    private const int TypeInts = 7;

    public static OnnxAttribute Of(string name, long value) => new(name, Int: value);

    public static OnnxAttribute Of(string name, float value) => new(name, Float: value);

    public static OnnxAttribute Of(string name, string value) => new(name, Text: value);

    public static OnnxAttribute Of(string name, long[] values) => new(name, Ints: values);

    internal void WriteTo(ProtoWriter writer)
    {
        writer.WriteString(1, Name);
        if (Float is { } f)
        {
            writer.WriteFloat(2, f);
            writer.WriteInt32(20, TypeFloat);
        }
        else if (Int is { } i)
        {
            writer.WriteInt64(3, i);
            writer.WriteInt32(20, TypeInt);
        }
        else if (Text is { } s)
        {
            writer.WriteString(4, s);
            writer.WriteInt32(20, TypeString);
        }
        else if (Ints is { } ints)
        {
            writer.WriteRepeatedInt64(8, ints);
            writer.WriteInt32(20, TypeInts);
        }
    }
}
