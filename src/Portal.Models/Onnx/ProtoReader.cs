using System.Buffers.Binary;
using System.Text;

namespace Portal.Models.Onnx;

/// <summary>
/// A minimal protocol-buffers decoder, the counterpart of <see cref="ProtoWriter"/>: it walks the
/// fields of one message and hands out varints, fixed32 values and length-delimited slices.
/// </summary>
internal ref struct ProtoReader(ReadOnlySpan<byte> data)
{
    private readonly ReadOnlySpan<byte> data = data;
    private int position;

    public int Field { get; private set; }

    public int WireType { get; private set; }

    /// <summary>Moves to the next field; false at the end of the message.</summary>
    public bool Next()
    {
        if (position >= data.Length)
        {
            return false;
        }
        var tag = ReadVarint();
        Field = (int)(tag >> 3);
        WireType = (int)(tag & 7);
        return true;
    }

    public long ReadInt64() => unchecked((long)ReadVarint());

    public float ReadFloat()
    {
        var value = BinaryPrimitives.ReadSingleLittleEndian(Take(4));
        return value;
    }

    public ReadOnlySpan<byte> ReadBytes() => Take(checked((int)ReadVarint()));

    public string ReadString() => Encoding.UTF8.GetString(ReadBytes());

    /// <summary>Reads a repeated int64 field, packed or not.</summary>
    public void ReadInt64s(List<long> into)
    {
        if (WireType == 2)
        {
            var packed = new ProtoReader(ReadBytes());
            while (packed.position < packed.data.Length)
            {
                into.Add(unchecked((long)packed.ReadVarint()));
            }
            return;
        }
        into.Add(ReadInt64());
    }

    public void Skip()
    {
        switch (WireType)
        {
            case 0: ReadVarint(); break;
            case 1: Take(8); break;
            case 2: ReadBytes(); break;
            case 5: Take(4); break;
            default: throw new InvalidDataException($"Unsupported protobuf wire type {WireType} at byte {position}.");
        }
    }

    private ReadOnlySpan<byte> Take(int count)
    {
        if (count < 0 || position + count > data.Length)
        {
            throw new InvalidDataException($"The ONNX file is truncated: a field at byte {position} needs {count} bytes.");
        }
        var slice = data.Slice(position, count);
        position += count;
        return slice;
    }

    private ulong ReadVarint()
    {
        ulong result = 0;
        for (var shift = 0; shift < 64; shift += 7)
        {
            if (position >= data.Length)
            {
                throw new InvalidDataException("The ONNX file is truncated inside a varint.");
            }
            var b = data[position++];
            result |= (ulong)(b & 0x7F) << shift;
            if (b < 0x80)
            {
                return result;
            }
        }
        throw new InvalidDataException($"Malformed varint before byte {position}.");
    }
}
