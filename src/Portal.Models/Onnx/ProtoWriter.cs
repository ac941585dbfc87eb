using System.Buffers.Binary;
using System.Text;

namespace Portal.Models.Onnx;

/// <summary>
/// A minimal protocol-buffers encoder: just the wire types ONNX needs. Fields are written in the
/// order the caller writes them, so the same model always gives the same bytes.
/// </summary>
internal sealed class ProtoWriter
{
    private const int WireVarint = 0;
    private const int WireFixed64 = 1;
    private const int WireLengthDelimited = 2;
    private const int WireFixed32 = 5;

    private readonly MemoryStream buffer = new();

    public long Length => buffer.Length;

    public void WriteInt64(int field, long value)
    {
        WriteTag(field, WireVarint);
        WriteVarint(unchecked((ulong)value));
    }

    public void WriteInt32(int field, int value) => WriteInt64(field, value);

    public void WriteFloat(int field, float value)
    {
        WriteTag(field, WireFixed32);
        Span<byte> bytes = stackalloc byte[4];
        BinaryPrimitives.WriteSingleLittleEndian(bytes, value);
        buffer.Write(bytes);
    }

    public void WriteDouble(int field, double value)
    {
        WriteTag(field, WireFixed64);
        Span<byte> bytes = stackalloc byte[8];
        BinaryPrimitives.WriteDoubleLittleEndian(bytes, value);
        buffer.Write(bytes);
    }

    public void WriteString(int field, string value) => WriteBytes(field, Encoding.UTF8.GetBytes(value));

    public void WriteBytes(int field, ReadOnlySpan<byte> value)
    {
        WriteTag(field, WireLengthDelimited);
        WriteVarint((ulong)value.Length);
        buffer.Write(value);
    }

    public void WriteMessage(int field, Action<ProtoWriter> writeBody)
    {
        var nested = new ProtoWriter();
        writeBody(nested);
        WriteTag(field, WireLengthDelimited);
        WriteVarint((ulong)nested.buffer.Length);
        nested.buffer.Position = 0;
        nested.buffer.CopyTo(buffer);
    }

    /// <summary>onnx.proto is proto2: repeated scalars are unpacked, one field per value.</summary>
    public void WriteRepeatedInt64(int field, IReadOnlyList<long> values)
    {
        foreach (var value in values)
        {
            WriteInt64(field, value);
        }
    }

    public byte[] ToArray() => buffer.ToArray();

    public void CopyTo(Stream destination)
    {
        buffer.Position = 0;
        buffer.CopyTo(destination);
    }

    private void WriteTag(int field, int wireType) => WriteVarint((ulong)((field << 3) | wireType));

    private void WriteVarint(ulong value)
    {
        while (value >= 0x80)
        {
            buffer.WriteByte((byte)(value | 0x80));
            value >>= 7;
        }
        buffer.WriteByte((byte)value);
    }
}
