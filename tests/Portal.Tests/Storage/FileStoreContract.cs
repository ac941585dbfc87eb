using System.Security.Cryptography;
using Portal.Core.Storage;

namespace Portal.Tests.Storage;

/// <summary>What every file store promises, run against the local folder and against blob storage (Azurite).</summary>
public abstract class FileStoreContract
{
    protected abstract IFileStore Store { get; }

    protected static string UserId { get; } = Guid.NewGuid().ToString();

    [Fact]
    public async Task What_is_written_reads_back_byte_for_byte()
    {
        // Larger than one 4 MB block of the blob store, from a stream that cannot seek (as a request body).
        var bytes = RandomNumberGenerator.GetBytes((9 * 1024 * 1024) + 123);
        var key = StorageKeys.Upload(UserId, ".png");

        await Store.WriteAsync(key, new ForwardOnlyStream(new MemoryStream(bytes)));

        Assert.True(await Store.ExistsAsync(key));
        await using var read = await Store.OpenReadAsync(key);
        using var copy = new MemoryStream();
        await read.CopyToAsync(copy);
        Assert.Equal(bytes.Length, copy.Length);
        Assert.True(bytes.AsSpan().SequenceEqual(copy.GetBuffer().AsSpan(0, (int)copy.Length)));
    }

    [Fact]
    public async Task A_write_that_breaks_halfway_leaves_nothing_under_the_key()
    {
        var key = StorageKeys.Result(UserId, ".png");

        await Assert.ThrowsAsync<IOException>(() => Store.WriteAsync(key, new BreakingStream(5 * 1024 * 1024)));

        Assert.False(await Store.ExistsAsync(key));
        await Assert.ThrowsAsync<FileNotFoundException>(() => Store.OpenReadAsync(key));
    }

    [Fact]
    public async Task An_imported_file_is_stored_and_the_local_copy_is_gone()
    {
        var local = Path.Combine(Path.GetTempPath(), $"import-{Guid.NewGuid():N}.png");
        await File.WriteAllBytesAsync(local, [1, 2, 3, 4]);
        var key = StorageKeys.Thumbnail(UserId);

        await Store.ImportAsync(key, local);

        Assert.False(File.Exists(local));
        await using var read = await Store.OpenReadAsync(key);
        using var copy = new MemoryStream();
        await read.CopyToAsync(copy);
        Assert.Equal([1, 2, 3, 4], copy.ToArray());
    }

    [Fact]
    public async Task A_missing_key_reads_as_not_found_and_deletes_without_error()
    {
        var key = StorageKeys.Result(UserId, ".webp");

        Assert.False(await Store.ExistsAsync(key));
        await Assert.ThrowsAsync<FileNotFoundException>(() => Store.OpenReadAsync(key));
        await Store.DeleteAsync(key);
    }

    [Fact]
    public async Task Deleting_a_file_removes_it()
    {
        var key = StorageKeys.Upload(UserId, ".jpg");
        await Store.WriteAsync(key, new MemoryStream([9, 9]));

        await Store.DeleteAsync(key);

        Assert.False(await Store.ExistsAsync(key));
    }

    [Fact]
    public async Task Deleting_a_user_removes_all_of_their_files_and_nobody_elses()
    {
        var leaving = Guid.NewGuid().ToString();
        var staying = Guid.NewGuid().ToString();
        var theirs = new[] { StorageKeys.Upload(leaving, ".png"), StorageKeys.Result(leaving, ".png"), StorageKeys.Thumbnail(leaving) };
        var kept = StorageKeys.Upload(staying, ".png");
        foreach (var key in theirs.Append(kept))
        {
            await Store.WriteAsync(key, new MemoryStream([1]));
        }

        await Store.DeleteUserAsync(leaving);

        foreach (var key in theirs)
        {
            Assert.False(await Store.ExistsAsync(key), key);
        }

        Assert.True(await Store.ExistsAsync(kept));
        await Store.DeleteUserAsync(Guid.NewGuid().ToString()); // a user with no files: no error
    }

    [Theory]
    [InlineData("../outside.png")]
    [InlineData("users/../../outside.png")]
    [InlineData("/etc/passwd")]
    public async Task Keys_that_leave_the_store_are_refused(string key)
    {
        await Assert.ThrowsAsync<ArgumentException>(() => Store.WriteAsync(key, new MemoryStream([1])));
    }

    /// <summary>A request body: reads forward only, no length, no seeking.</summary>
    protected sealed class ForwardOnlyStream(Stream inner) : Stream
    {
        public override bool CanRead => true;

        public override bool CanSeek => false;

        public override bool CanWrite => false;

        public override long Length => throw new NotSupportedException();

        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

        public override int Read(byte[] buffer, int offset, int count) => inner.Read(buffer, offset, count);

        public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) => inner.ReadAsync(buffer, cancellationToken);

        public override void Flush()
        {
        }

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }

    /// <summary>Delivers some bytes, then fails as a dropped connection does.</summary>
    private sealed class BreakingStream(int bytesBeforeBreaking) : Stream
    {
        private int delivered;

        public override bool CanRead => true;

        public override bool CanSeek => false;

        public override bool CanWrite => false;

        public override long Length => throw new NotSupportedException();

        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

        public override int Read(byte[] buffer, int offset, int count)
        {
            if (delivered >= bytesBeforeBreaking)
            {
                throw new IOException("The connection was reset.");
            }

            var n = Math.Min(count, bytesBeforeBreaking - delivered);
            buffer.AsSpan(offset, n).Fill(7);
            delivered += n;
            return n;
        }

        public override void Flush()
        {
        }

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}
