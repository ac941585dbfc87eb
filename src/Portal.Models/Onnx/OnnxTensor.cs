using System.Runtime.InteropServices;
using Google.Protobuf;
using TensorProto = global::Onnx.TensorProto;

namespace Portal.Models.Onnx;

/// <summary>A constant tensor (an initializer), stored as little-endian raw bytes.</summary>
internal sealed record OnnxTensor(string Name, OnnxDataType DataType, long[] Dims, byte[] RawData)
{
    public long ElementCount => Dims.Aggregate(1L, (product, dim) => product * dim);

    public static OnnxTensor FromFloats(string name, long[] dims, ReadOnlySpan<float> values)
    {
        if (!BitConverter.IsLittleEndian)
        {
            throw new PlatformNotSupportedException("ONNX raw data is little-endian; big-endian hosts are not supported.");
        }
        return new OnnxTensor(name, OnnxDataType.Float, dims, MemoryMarshal.AsBytes(values).ToArray());
    }

    public static OnnxTensor FromInt64s(string name, long[] dims, ReadOnlySpan<long> values) =>
        new(name, OnnxDataType.Int64, dims, MemoryMarshal.AsBytes(values).ToArray());

    public static OnnxTensor Scalar(string name, float value) => FromFloats(name, [], [value]);

    internal TensorProto ToProto()
    {
        // The record is immutable, so the serializer may read its array without a copy.
        var proto = new TensorProto { DataType = (int)DataType, Name = Name, RawData = UnsafeByteOperations.UnsafeWrap(RawData) };
        proto.Dims.AddRange(Dims);
        return proto;
    }

    /// <summary>Raw data as is; the typed float, int32 and int64 fields are turned into raw data.</summary>
    internal static OnnxTensor FromProto(TensorProto proto)
    {
        var dataType = (OnnxDataType)proto.DataType;
        if (proto.HasDataLocation && proto.DataLocation == TensorProto.Types.DataLocation.External)
        {
            throw new InvalidDataException($"Initializer '{proto.Name}' keeps its values in an external file; only embedded data is supported.");
        }
        var raw = proto.HasRawData ? proto.RawData.ToByteArray()
            : proto.FloatData.Count > 0 && dataType == OnnxDataType.Float ? MemoryMarshal.AsBytes(proto.FloatData.ToArray().AsSpan()).ToArray()
            : proto.Int64Data.Count > 0 && dataType == OnnxDataType.Int64 ? MemoryMarshal.AsBytes(proto.Int64Data.ToArray().AsSpan()).ToArray()
            : proto.Int32Data.Count > 0 && dataType == OnnxDataType.Int32 ? MemoryMarshal.AsBytes(proto.Int32Data.ToArray().AsSpan()).ToArray()
            : proto.Int32Data.Count + proto.DoubleData.Count + proto.Uint64Data.Count + proto.StringData.Count + proto.FloatData.Count + proto.Int64Data.Count > 0
                ? throw new InvalidDataException($"Initializer '{proto.Name}' stores {dataType} values in a typed field this project does not read; only raw_data and float, int32 and int64 fields are supported.")
                : [];
        return new OnnxTensor(proto.Name, dataType, [.. proto.Dims], raw);
    }
}
