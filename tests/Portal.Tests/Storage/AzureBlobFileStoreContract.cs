using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Models;
using Azure.Storage.Blobs.Specialized;
using Portal.Core.Storage;
using Portal.Tests.Infrastructure;

namespace Portal.Tests.Storage;

/// <summary>The blob store against Azurite: the shared contract, plus what only blobs can show.</summary>
public sealed class AzureBlobFileStoreContract : FileStoreContract
{
    private readonly BlobStorageOptions options = new() { ConnectionString = Azurite.ConnectionString, Container = Azurite.NewContainerName() };

    public AzureBlobFileStoreContract() => Store = new AzureBlobFileStore(options);

    protected override IFileStore Store { get; }

    [Fact]
    public async Task A_large_write_goes_up_in_blocks_and_is_committed_once()
    {
        var key = StorageKeys.Upload(UserId, ".png");

        await Store.WriteAsync(key, new ForwardOnlyStream(new MemoryStream(new byte[(10 * 1024 * 1024) + 1])));

        // Three blocks of at most 4 MB: the stream was never held whole, and the blob appeared only at the commit.
        var blocks = await new BlobContainerClient(options.ConnectionString, options.Container).GetBlockBlobClient(key).GetBlockListAsync(BlockListTypes.All);
        Assert.Equal(3, blocks.Value.CommittedBlocks.Count());
        Assert.Empty(blocks.Value.UncommittedBlocks);
        Assert.All(blocks.Value.CommittedBlocks, b => Assert.True(b.SizeLong <= 4 * 1024 * 1024));
    }

    [Fact]
    public async Task Stored_files_carry_the_media_type_of_their_extension()
    {
        var key = StorageKeys.Result(UserId, ".webp");
        await Store.WriteAsync(key, new MemoryStream([1, 2, 3]));

        var properties = await new BlobContainerClient(options.ConnectionString, options.Container).GetBlobClient(key).GetPropertiesAsync();

        Assert.Equal("image/webp", properties.Value.ContentType);
    }

    [Fact]
    public async Task Unreachable_storage_says_so_and_the_health_check_turns_unhealthy()
    {
        var down = new AzureBlobFileStore(new BlobStorageOptions { ConnectionString = Azurite.Unreachable, MaxRetries = 0, NetworkTimeoutSeconds = 5 });

        await Assert.ThrowsAsync<StorageUnavailableException>(() => down.WriteAsync(StorageKeys.Upload(UserId, ".png"), new MemoryStream([1])));
        await Assert.ThrowsAsync<StorageUnavailableException>(() => down.OpenReadAsync(StorageKeys.Upload(UserId, ".png")));
        var health = await new FileStoreHealthCheck(down).CheckHealthAsync(new());
        Assert.Equal(Microsoft.Extensions.Diagnostics.HealthChecks.HealthStatus.Unhealthy, health.Status);
        Assert.Equal(Microsoft.Extensions.Diagnostics.HealthChecks.HealthStatus.Healthy, (await new FileStoreHealthCheck(Store).CheckHealthAsync(new())).Status);
    }
}
