namespace Portal.Models.Onnx;

/// <summary>A constant tensor (an initializer), stored as little-endian raw bytes.</summary>
internal sealed record OnnxTensor(string Name, OnnxDataType DataType, long[] Dims, byte[] RawData)
{
    public long ElementCount => Dims.Aggregate(1L, (product, dim) => product * dim);

    public static OnnxTensor FromFloats(string name, long[] dims, ReadOnlySpan<float> values)
    {
        var raw = new byte[values.Length * sizeof(float)];
        System.Runtime.InteropServices.MemoryMarshal.AsBytes(values).CopyTo(raw);
        if (!BitConverter.IsLittleEndian)
        {
            throw new PlatformNotSupportedException("ONNX raw data is little-endian; big-endian hosts are not supported.");
        }
        return new OnnxTensor(name, OnnxDataType.Float, dims, raw);
    }

    public static OnnxTensor FromInt64s(string name, long[] dims, ReadOnlySpan<long> values)
    {
        var raw = new byte[values.Length * sizeof(long)];
        System.Runtime.InteropServices.MemoryMarshal.AsBytes(values).CopyTo(raw);
        return new OnnxTensor(name, OnnxDataType.Int64, dims, raw);
    }

    public static OnnxTensor Scalar(string name, float value) => FromFloats(name, [], [value]);

    internal void WriteTo(ProtoWriter writer)
    {
        writer.WriteRepeatedInt64(1, Dims);
        writer.WriteInt32(2, (int)DataType);
        writer.WriteString(8, Name);
        writer.WriteBytes(9, RawData);
    }
}
