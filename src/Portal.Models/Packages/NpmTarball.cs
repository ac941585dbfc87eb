using System.Globalization;
using System.IO.Compression;
using System.Text;

namespace Portal.Models.Packages;

/// <summary>
/// The files of an npm package tarball (gzip-compressed tar), keyed by their path inside the
/// package with npm's leading <c>package/</c> folder removed.
/// </summary>
public sealed class NpmTarball
{
    private const int BlockSize = 512;

    private readonly Dictionary<string, byte[]> files;

    private NpmTarball(Dictionary<string, byte[]> files) => this.files = files;

    public IEnumerable<string> Paths => files.Keys;

    /// <summary>Verifies the pinned integrity, then reads the files <paramref name="wanted"/> selects.</summary>
    public static NpmTarball Open(string tgzPath, string expectedIntegrity, Func<string, bool>? wanted = null)
    {
        NpmIntegrity.Verify(tgzPath, expectedIntegrity);
        using var stream = File.OpenRead(tgzPath);
        return Read(stream, tgzPath, wanted);
    }

    /// <summary>Reads a tarball without a hash check (the hash is checked by <see cref="Open"/>).</summary>
    internal static NpmTarball Read(Stream compressed, string displayName, Func<string, bool>? wanted = null)
    {
        var files = new Dictionary<string, byte[]>(StringComparer.Ordinal);
        using var gzip = new GZipStream(compressed, CompressionMode.Decompress);
        var header = new byte[BlockSize];
        long offset = 0;
        string? paxPath = null;
        try
        {
            while (true)
            {
                if (!ReadBlock(gzip, header, displayName, offset, "header"))
                {
                    break; // a tar without the two zero blocks: accept a clean end at a header boundary
                }
                if (header.All(b => b == 0))
                {
                    break;
                }
                var name = ReadString(header, 0, 100);
                var prefix = ReadString(header, 345, 155);
                var size = ReadOctal(header, 124, 12, displayName, offset);
                var type = (char)header[156];
                if (prefix.Length > 0)
                {
                    name = prefix + "/" + name;
                }
                var dataOffset = offset + BlockSize;
                var padded = (size + BlockSize - 1) / BlockSize * BlockSize;
                var data = new byte[size];
                ReadExactly(gzip, data, displayName, dataOffset, name);
                Skip(gzip, padded - size, displayName, dataOffset + size, name);
                offset = dataOffset + padded;

                if (type == 'x')
                {
                    paxPath = ParsePaxPath(data);
                    continue;
                }
                if (type is not ('0' or '\0'))
                {
                    continue; // directories, links, global pax headers: nothing we read
                }
                var path = StripPackageFolder(paxPath ?? name);
                paxPath = null;
                if (wanted is null || wanted(path))
                {
                    files[path] = data;
                }
            }
        }
        catch (InvalidDataException error)
        {
            throw new ModelImportException($"{displayName} is not a valid gzip stream near tar offset {offset:N0}: {error.Message}", error);
        }
        return new NpmTarball(files);
    }

    public bool Contains(string path) => files.ContainsKey(path);

    public byte[] GetFile(string path) =>
        files.TryGetValue(path, out var data)
            ? data
            : throw new ModelImportException($"The package has no file '{path}'.");

    private static string StripPackageFolder(string path)
    {
        var slash = path.IndexOf('/', StringComparison.Ordinal);
        return slash >= 0 ? path[(slash + 1)..] : path;
    }

    private static string? ParsePaxPath(byte[] data)
    {
        // Records are "LEN key=value\n".
        foreach (var record in Encoding.UTF8.GetString(data).Split('\n'))
        {
            var space = record.IndexOf(' ', StringComparison.Ordinal);
            if (space > 0 && record[(space + 1)..].StartsWith("path=", StringComparison.Ordinal))
            {
                return record[(space + 6)..];
            }
        }
        return null;
    }

    private static string ReadString(byte[] block, int start, int length)
    {
        var span = block.AsSpan(start, length);
        var end = span.IndexOf((byte)0);
        return Encoding.UTF8.GetString(end >= 0 ? span[..end] : span);
    }

    private static long ReadOctal(byte[] block, int start, int length, string displayName, long offset)
    {
        var text = Encoding.ASCII.GetString(block, start, length).Trim('\0', ' ');
        if (text.Length == 0)
        {
            return 0;
        }
        try
        {
            return Convert.ToInt64(text, 8);
        }
        catch (FormatException)
        {
            throw new ModelImportException(
                $"{displayName}: tar header at offset {offset.ToString(CultureInfo.InvariantCulture)} has an invalid size field '{text}'.");
        }
    }

    private static bool ReadBlock(Stream stream, byte[] block, string displayName, long offset, string what)
    {
        var read = stream.ReadAtLeast(block, block.Length, throwOnEndOfStream: false);
        if (read == 0)
        {
            return false;
        }
        if (read < block.Length)
        {
            throw new ModelImportException($"{displayName} is truncated: the tar {what} at offset {offset:N0} is cut short.");
        }
        return true;
    }

    private static void ReadExactly(Stream stream, byte[] data, string displayName, long offset, string entry)
    {
        var read = stream.ReadAtLeast(data, data.Length, throwOnEndOfStream: false);
        if (read < data.Length)
        {
            throw new ModelImportException(
                $"{displayName} is truncated: '{entry}' declares {data.Length:N0} bytes at offset {offset:N0} but the archive ends after {read:N0}.");
        }
    }

    private static void Skip(Stream stream, long count, string displayName, long offset, string entry)
    {
        if (count == 0)
        {
            return;
        }
        var padding = new byte[count];
        if (stream.ReadAtLeast(padding, padding.Length, throwOnEndOfStream: false) < count)
        {
            throw new ModelImportException($"{displayName} is truncated in the padding after '{entry}' at offset {offset:N0}.");
        }
    }
}
