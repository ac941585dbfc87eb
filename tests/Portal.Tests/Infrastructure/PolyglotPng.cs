using System.Buffers.Binary;
using System.Text;

namespace Portal.Tests.Infrastructure;

/// <summary>
/// A polyglot: a valid PNG whose first 256 bytes also hold an HTML document with a script, where an old-style
/// content sniffer (which scans the start of a file for tags) would render it as a page.
/// </summary>
public static class PolyglotPng
{
    public const string Html = "<html><head><title>owned</title></head><body><script>document.title='owned';window.polyglotRan=true</script></body></html>";

    /// <summary>photo.png with a tEXt chunk holding <see cref="Html"/> right after IHDR (CRC correct, so decoders accept it).</summary>
    public static byte[] Create()
    {
        var png = File.ReadAllBytes(RepositoryPaths.Fixture("photo.png"));
        const int afterHeader = 8 + 4 + 4 + 13 + 4; // signature, IHDR length, type, data, CRC
        var data = Encoding.Latin1.GetBytes("Comment\0" + Html);
        var chunk = new byte[4 + 4 + data.Length + 4];
        BinaryPrimitives.WriteInt32BigEndian(chunk, data.Length);
        Encoding.ASCII.GetBytes("tEXt").CopyTo(chunk, 4);
        data.CopyTo(chunk, 8);
        BinaryPrimitives.WriteUInt32BigEndian(chunk.AsSpan(8 + data.Length), Crc32(chunk.AsSpan(4, 4 + data.Length)));
        return [.. png.AsSpan(0, afterHeader), .. chunk, .. png.AsSpan(afterHeader)];
    }

    private static uint Crc32(ReadOnlySpan<byte> bytes)
    {
        var crc = 0xFFFFFFFFu;
        foreach (var b in bytes)
        {
            crc ^= b;
            for (var k = 0; k < 8; k++)
            {
                crc = (crc & 1) != 0 ? 0xEDB88320u ^ (crc >> 1) : crc >> 1;
            }
        }

        return ~crc;
    }
}
