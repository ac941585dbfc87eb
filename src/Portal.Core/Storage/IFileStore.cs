namespace Portal.Core.Storage;

/// <summary>
/// Where uploads, results and thumbnails live, by key ("users/{user}/uploads/{random}.png").
/// The local folder is the default; a second implementation can put the same keys in S3-compatible storage.
/// </summary>
public interface IFileStore
{
    /// <summary>Writes the stream under the key; the key appears only once the write is complete.</summary>
    Task WriteAsync(string key, Stream content, CancellationToken cancellationToken = default);

    /// <summary>Moves a finished local file into the store (no copy when the store is local).</summary>
    Task ImportAsync(string key, string localFile, CancellationToken cancellationToken = default);

    Stream OpenRead(string key);

    bool Exists(string key);

    long Length(string key);

    /// <summary>A local path the engine can read directly, or null when the store is remote.</summary>
    string? LocalPath(string key);

    Task DeleteAsync(string key, CancellationToken cancellationToken = default);
}
