using System.Formats.Tar;
using System.IO.Compression;
using System.Text;
using Portal.Models;
using Portal.Models.Packages;

namespace Portal.Engine.Tests.Models;

/// <summary>
/// The npm tarball reader keeps long names of every tar dialect and refuses entries that climb out of
/// the package, links, forged sizes and cut archives, each with a message naming the entry.
/// </summary>
public sealed class TarballRefusesHostileEntries
{
    private static readonly byte[] Content = Encoding.UTF8.GetBytes("weights");

    [Theory]
    [InlineData(TarEntryFormat.Pax)]
    [InlineData(TarEntryFormat.Gnu)]
    [InlineData(TarEntryFormat.Ustar)]
    public void Long_names_of_each_dialect_are_read_whole(TarEntryFormat format)
    {
        // Ustar splits a long name into prefix and name; pax puts it in an extended header; GNU in a 'L' entry.
        var longPath = "models/" + string.Join('/', Enumerable.Repeat("deep-folder-name", 6)) + "/model.bin";
        var tarball = Gzip(tar => tar.WriteEntry(Regular(format, "package/" + longPath, Content)));

        var read = NpmTarball.Read(new MemoryStream(tarball), "long.tgz");

        Assert.Equal([longPath], read.Paths);
        Assert.Equal(Content, read.GetFile(longPath));
    }

    [Theory]
    [InlineData("package/../../etc/cron.d/x")]
    [InlineData("/etc/passwd")]
    [InlineData("package/models/../../../x.bin")]
    public void An_entry_climbing_out_of_the_package_is_refused(string name)
    {
        var tarball = Gzip(tar => tar.WriteEntry(Regular(TarEntryFormat.Pax, name, Content)));

        var error = Assert.Throws<ModelImportException>(() => NpmTarball.Read(new MemoryStream(tarball), "hostile.tgz"));

        Assert.Contains($"'{name}' points outside the package folder", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(TarEntryType.SymbolicLink)]
    [InlineData(TarEntryType.HardLink)]
    public void A_link_is_refused_even_when_it_is_not_wanted(TarEntryType type)
    {
        var tarball = Gzip(tar => tar.WriteEntry(new PaxTarEntry(type, "package/models/x.bin") { LinkName = "/etc/shadow" }));

        var error = Assert.Throws<ModelImportException>(() => NpmTarball.Read(new MemoryStream(tarball), "links.tgz", _ => false));

        Assert.Contains("'package/models/x.bin' is a link to '/etc/shadow'", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_forged_size_is_refused_before_anything_is_allocated()
    {
        // A header that claims 8 GiB followed by a few bytes: the reader must not trust it.
        var tar = TarBytes(t => t.WriteEntry(Regular(TarEntryFormat.Ustar, "package/models/x.bin", Content)));
        SetSize(tar, 8L * 1024 * 1024 * 1024);

        var error = Assert.Throws<ModelImportException>(() => NpmTarball.Read(new MemoryStream(GzipRaw(tar)), "forged.tgz"));

        Assert.Contains("'package/models/x.bin' declares 8,589,934,592 bytes", error.Message, StringComparison.Ordinal);
        Assert.Contains("refused", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_size_larger_than_the_archive_is_reported_as_truncation()
    {
        var tar = TarBytes(t => t.WriteEntry(Regular(TarEntryFormat.Ustar, "package/models/x.bin", Content)));
        SetSize(tar, 4096);

        var error = Assert.Throws<ModelImportException>(() => NpmTarball.Read(new MemoryStream(GzipRaw(tar)), "short.tgz"));

        Assert.Contains("truncated", error.Message, StringComparison.Ordinal);
        Assert.Contains("'package/models/x.bin'", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_header_cut_in_half_is_reported_as_truncation()
    {
        var tar = TarBytes(t =>
        {
            t.WriteEntry(Regular(TarEntryFormat.Ustar, "package/a.bin", Content));
            t.WriteEntry(Regular(TarEntryFormat.Ustar, "package/b.bin", Content));
        });

        // The first entry is one header and one data block; cut the second header after 200 bytes.
        var error = Assert.Throws<ModelImportException>(() => NpmTarball.Read(new MemoryStream(GzipRaw(tar[..(1024 + 200)])), "cut.tgz"));

        Assert.Contains("cut.tgz is truncated", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_size_field_that_is_not_octal_is_refused()
    {
        var tar = TarBytes(t => t.WriteEntry(Regular(TarEntryFormat.Ustar, "package/a.bin", Content)));
        Encoding.ASCII.GetBytes("zzzzzzzzzzz\0").CopyTo(tar, 124);
        SetChecksum(tar);

        var error = Assert.Throws<ModelImportException>(() => NpmTarball.Read(new MemoryStream(GzipRaw(tar)), "bad.tgz"));

        Assert.Contains("bad.tgz", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_file_that_is_not_gzip_is_refused()
    {
        var error = Assert.Throws<ModelImportException>(() => NpmTarball.Read(new MemoryStream(Encoding.UTF8.GetBytes("<html>not a package</html>")), "page.tgz"));

        Assert.Contains("page.tgz is not a valid gzip-compressed tar", error.Message, StringComparison.Ordinal);
    }

    private static TarEntry Regular(TarEntryFormat format, string name, byte[] content)
    {
        TarEntry entry = format switch
        {
            TarEntryFormat.Pax => new PaxTarEntry(TarEntryType.RegularFile, name),
            TarEntryFormat.Gnu => new GnuTarEntry(TarEntryType.RegularFile, name),
            _ => new UstarTarEntry(TarEntryType.RegularFile, name),
        };
        entry.DataStream = new MemoryStream(content);
        return entry;
    }

    private static byte[] TarBytes(Action<TarWriter> write)
    {
        using var buffer = new MemoryStream();
        using (var tar = new TarWriter(buffer, leaveOpen: true))
        {
            write(tar);
        }
        return buffer.ToArray();
    }

    private static byte[] Gzip(Action<TarWriter> write) => GzipRaw(TarBytes(write));

    private static byte[] GzipRaw(byte[] tar)
    {
        using var compressed = new MemoryStream();
        using (var gzip = new GZipStream(compressed, CompressionLevel.Fastest, leaveOpen: true))
        {
            gzip.Write(tar);
        }
        return compressed.ToArray();
    }

    /// <summary>Rewrites the first header's size field (octal, offset 124) and its checksum (offset 148).</summary>
    private static void SetSize(byte[] tar, long size)
    {
        Encoding.ASCII.GetBytes(Convert.ToString(size, 8).PadLeft(11, '0') + "\0").CopyTo(tar, 124);
        SetChecksum(tar);
    }

    private static void SetChecksum(byte[] tar)
    {
        Encoding.ASCII.GetBytes("        ").CopyTo(tar, 148);
        var sum = tar.AsSpan(0, 512).ToArray().Sum(b => b);
        Encoding.ASCII.GetBytes(Convert.ToString(sum, 8).PadLeft(6, '0') + "\0 ").CopyTo(tar, 148);
    }
}
