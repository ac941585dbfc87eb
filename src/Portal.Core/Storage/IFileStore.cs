namespace Portal.Core.Storage;

/// <summary>
/// Where uploads, results and thumbnails live, by key ("users/{user}/uploads/{random}.png"). Every caller goes
/// through this interface and nothing else: no local paths leak out, every call is asynchronous, so a second
/// implementation can put the same keys in blob storage. The local folder is the default.
/// </summary>
public interface IFileStore
{
    /// <summary>Writes the stream under the key; the key appears only once the write is complete.</summary>
    Task WriteAsync(string key, Stream content, CancellationToken cancellationToken = default);

    /// <summary>Moves a finished local file (a result, a received upload) into the store; the file is gone afterwards.</summary>
    Task ImportAsync(string key, string localFile, CancellationToken cancellationToken = default);

    /// <summary>Reads a stored file; throws <see cref="FileNotFoundException"/> when the key holds nothing.</summary>
    Task<Stream> OpenReadAsync(string key, CancellationToken cancellationToken = default);

    Task<bool> ExistsAsync(string key, CancellationToken cancellationToken = default);

    /// <summary>Deletes one file; a key that holds nothing is not an error.</summary>
    Task DeleteAsync(string key, CancellationToken cancellationToken = default);

    /// <summary>Deletes everything stored for one user (account deletion).</summary>
    Task DeleteUserAsync(string userId, CancellationToken cancellationToken = default);
}
