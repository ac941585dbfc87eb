namespace Portal.Core.Storage;

/// <summary>Files under the data folder (outside the web root), named by random keys.</summary>
public sealed class LocalFileStore(DataFolders folders) : IFileStore
{
    public async Task WriteAsync(string key, Stream content, CancellationToken cancellationToken = default)
    {
        var path = PathOf(key);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        var temporary = path + ".partial";
        try
        {
            await using (var file = new FileStream(temporary, FileMode.Create, FileAccess.Write, FileShare.None, 81920, useAsync: true))
            {
                await content.CopyToAsync(file, cancellationToken);
            }

            File.Move(temporary, path, overwrite: true);
        }
        catch
        {
            File.Delete(temporary);
            throw;
        }
    }

    public Task ImportAsync(string key, string localFile, CancellationToken cancellationToken = default)
    {
        var path = PathOf(key);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.Move(localFile, path, overwrite: true);
        return Task.CompletedTask;
    }

    public Task<Stream> OpenReadAsync(string key, CancellationToken cancellationToken = default)
    {
        var path = PathOf(key);
        try
        {
            return Task.FromResult<Stream>(new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read | FileShare.Delete, 81920, useAsync: true));
        }
        catch (DirectoryNotFoundException e)
        {
            // The owner's folder itself is missing: to the caller that is the same as a missing file.
            throw new FileNotFoundException($"Nothing is stored under '{key}'.", key, e);
        }
    }

    public Task<bool> ExistsAsync(string key, CancellationToken cancellationToken = default) => Task.FromResult(File.Exists(PathOf(key)));

    public Task DeleteAsync(string key, CancellationToken cancellationToken = default)
    {
        var path = PathOf(key);
        // File.Delete ignores a missing file but not a missing folder; either way nothing is stored under the key.
        if (Directory.Exists(Path.GetDirectoryName(path)))
        {
            File.Delete(path);
        }

        return Task.CompletedTask;
    }

    public Task DeleteUserAsync(string userId, CancellationToken cancellationToken = default)
    {
        var folder = folders.ForUser(userId);
        if (Directory.Exists(folder))
        {
            Directory.Delete(folder, recursive: true);
        }

        return Task.CompletedTask;
    }

    private string PathOf(string key)
    {
        // Keys are made by the portal, never by a client; still, refuse anything that leaves the data folder.
        var path = Path.GetFullPath(Path.Combine(folders.Root, key));
        if (!path.StartsWith(folders.Root + Path.DirectorySeparatorChar, StringComparison.Ordinal))
        {
            throw new ArgumentException($"The storage key '{key}' is not inside the data folder.", nameof(key));
        }

        return path;
    }
}
