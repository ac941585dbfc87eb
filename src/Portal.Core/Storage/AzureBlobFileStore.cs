using Azure;
using Azure.Core;
using Azure.Storage;
using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Models;

namespace Portal.Core.Storage;

/// <summary>
/// The same keys as <see cref="LocalFileStore"/>, as block blobs in one container, so web and worker nodes on
/// different machines share every file. Writes stream in blocks of a few megabytes and become visible only when
/// the block list is committed; reads stream in ranges. An unreachable service surfaces as
/// <see cref="StorageUnavailableException"/>, a missing blob as <see cref="FileNotFoundException"/>.
/// </summary>
public sealed class AzureBlobFileStore : IFileStore
{
    private const int BlockBytes = 4 * 1024 * 1024;

    private readonly BlobContainerClient container;
    private readonly Lock readyLock = new();
    private Task? ready;

    public AzureBlobFileStore(BlobStorageOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var client = new BlobClientOptions();
        client.Retry.Mode = RetryMode.Exponential;
        client.Retry.MaxRetries = options.MaxRetries;
        client.Retry.Delay = TimeSpan.FromMilliseconds(400);
        client.Retry.MaxDelay = TimeSpan.FromSeconds(4);
        client.Retry.NetworkTimeout = TimeSpan.FromSeconds(options.NetworkTimeoutSeconds);
        container = new BlobServiceClient(options.ConnectionString, client).GetBlobContainerClient(options.Container);
    }

    public Task WriteAsync(string key, Stream content, CancellationToken cancellationToken = default) =>
        GuardAsync(key, async () =>
        {
            await EnsureContainerAsync(cancellationToken);
            await BlobOf(key).UploadAsync(content, UploadOptions(key), cancellationToken);
        }, cancellationToken);

    public async Task ImportAsync(string key, string localFile, CancellationToken cancellationToken = default)
    {
        await using (var file = new FileStream(localFile, FileMode.Open, FileAccess.Read, FileShare.Read, 81920, useAsync: true))
        {
            await WriteAsync(key, file, cancellationToken);
        }

        File.Delete(localFile);
    }

    public async Task<Stream> OpenReadAsync(string key, CancellationToken cancellationToken = default)
    {
        Stream? stream = null;
        await GuardAsync(key, async () =>
        {
            // No modifications allowed: a blob replaced while it is read fails the read instead of mixing versions.
            stream = await BlobOf(key).OpenReadAsync(new BlobOpenReadOptions(allowModifications: false) { BufferSize = BlockBytes }, cancellationToken);
        }, cancellationToken);
        return stream!;
    }

    public async Task<bool> ExistsAsync(string key, CancellationToken cancellationToken = default)
    {
        var exists = false;
        await GuardAsync(key, async () => exists = (await BlobOf(key).ExistsAsync(cancellationToken)).Value, cancellationToken);
        return exists;
    }

    public Task DeleteAsync(string key, CancellationToken cancellationToken = default) =>
        GuardAsync(key, () => BlobOf(key).DeleteIfExistsAsync(DeleteSnapshotsOption.IncludeSnapshots, cancellationToken: cancellationToken), cancellationToken);

    public Task DeleteUserAsync(string userId, CancellationToken cancellationToken = default)
    {
        var prefix = UserPrefix(userId);
        return GuardAsync(prefix, async () =>
        {
            await EnsureContainerAsync(cancellationToken);
            await foreach (var blob in container.GetBlobsAsync(new GetBlobsOptions { Prefix = prefix }, cancellationToken))
            {
                await container.DeleteBlobIfExistsAsync(blob.Name, DeleteSnapshotsOption.IncludeSnapshots, cancellationToken: cancellationToken);
            }
        }, cancellationToken);
    }

    /// <summary>Reaches the service (health checks): throws <see cref="StorageUnavailableException"/> when it cannot.</summary>
    public Task ProbeAsync(CancellationToken cancellationToken = default) =>
        GuardAsync(container.Name, () => EnsureContainerAsync(cancellationToken), cancellationToken);

    /// <summary>The prefix under which <see cref="StorageKeys"/> puts one user's files.</summary>
    internal static string UserPrefix(string userId)
    {
        if (!Guid.TryParse(userId, out var id))
        {
            throw new ArgumentException("A user id must be a GUID.", nameof(userId));
        }

        return $"users/{id:N}/";
    }

    private static BlobUploadOptions UploadOptions(string key) => new()
    {
        HttpHeaders = new BlobHttpHeaders { ContentType = ImageFiles.ContentType(Path.GetExtension(key)) },
        // Blocks of 4 MB, two in flight: a large upload never sits in memory whole.
        TransferOptions = new StorageTransferOptions { InitialTransferSize = BlockBytes, MaximumTransferSize = BlockBytes, MaximumConcurrency = 2 },
    };

    private BlobClient BlobOf(string key)
    {
        // Keys are made by the portal, never by a client; still, refuse anything that is not a plain relative path.
        if (string.IsNullOrWhiteSpace(key) || key.StartsWith('/') || key.Contains('\\', StringComparison.Ordinal)
            || key.Split('/').Any(part => part is "" or "." or ".."))
        {
            throw new ArgumentException($"The storage key '{key}' is not a plain relative path.", nameof(key));
        }

        return container.GetBlobClient(key);
    }

    private Task EnsureContainerAsync(CancellationToken cancellationToken)
    {
        lock (readyLock)
        {
            // A failed attempt is forgotten, so the next call tries again once the service is back.
            if (ready is null || ready.IsFaulted || ready.IsCanceled)
            {
                ready = container.CreateIfNotExistsAsync(cancellationToken: CancellationToken.None);
            }

            return ready.WaitAsync(cancellationToken);
        }
    }

    private static async Task GuardAsync(string key, Func<Task> action, CancellationToken cancellationToken)
    {
        try
        {
            await action();
        }
        catch (RequestFailedException e) when (e.Status == 404 && e.ErrorCode is "BlobNotFound" or "ContainerNotFound" or null)
        {
            throw new FileNotFoundException($"Nothing is stored under '{key}'.", key, e);
        }
        catch (Exception e) when (e is RequestFailedException or AggregateException or HttpRequestException
            || (e is OperationCanceledException && !cancellationToken.IsCancellationRequested))
        {
            throw new StorageUnavailableException($"The file storage could not be reached ({Describe(e)}).", e);
        }
    }

    private static string Describe(Exception e) => e switch
    {
        RequestFailedException { Status: > 0 } failed => $"status {failed.Status}, {failed.ErrorCode}",
        AggregateException aggregate => Describe(aggregate.InnerExceptions[^1]),
        RequestFailedException failed when failed.InnerException is not null => Describe(failed.InnerException),
        _ => e.GetType().Name + ": " + e.Message,
    };
}
