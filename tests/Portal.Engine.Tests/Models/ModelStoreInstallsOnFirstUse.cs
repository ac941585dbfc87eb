using Portal.Models;

namespace Portal.Engine.Tests.Models;

/// <summary>A model that is not committed is converted into the cache on first use and checked against its pinned hash.</summary>
public sealed class ModelStoreInstallsOnFirstUse : IDisposable
{
    private readonly string workDirectory = Directory.CreateTempSubdirectory("portal-store-").FullName;

    [Fact]
    public async Task Missing_model_is_converted_into_the_cache_once()
    {
        var (store, entry) = await PrepareAsync(pinnedSha256: null);
        var messages = new List<string>();
        store = new ModelStore(store.ModelsDirectory, store.CacheDirectory, messages.Add);
        Assert.False(store.IsInstalled(entry));

        var path = await store.EnsureInstalledAsync(entry, CancellationToken.None);

        Assert.True(store.IsInstalled(entry));
        Assert.StartsWith(store.ConvertedCacheDirectory, path);
        Assert.Equal(entry.Sha256, store.ComputeSha256(entry));
        Assert.Contains(messages, m => m.Contains("not installed yet", StringComparison.Ordinal));
        Assert.Equal(path, await store.EnsureInstalledAsync(entry, CancellationToken.None));
    }

    [Fact]
    public async Task A_conversion_that_does_not_match_the_pinned_hash_is_not_installed()
    {
        var (store, entry) = await PrepareAsync(pinnedSha256: new string('0', 64));
        var error = await Assert.ThrowsAsync<ModelImportException>(() => store.EnsureInstalledAsync(entry, CancellationToken.None));
        Assert.Contains("pins", error.Message);
        Assert.False(store.IsInstalled(entry));
        Assert.Empty(Directory.GetFiles(store.ConvertedCacheDirectory, "*", SearchOption.AllDirectories));
    }

    public void Dispose() => Directory.Delete(workDirectory, recursive: true);

    /// <summary>A store whose npm cache already holds a synthetic package, so nothing is downloaded.</summary>
    private async Task<(ModelStore Store, ModelEntry Entry)> PrepareAsync(string? pinnedSha256)
    {
        var (json, shard) = SyntheticPackage.TfjsModel();
        var tarball = SyntheticPackage.Tarball(new Dictionary<string, byte[]>
        {
            ["models/x2/model.json"] = SyntheticPackage.Utf8(json),
            ["models/x2/group1-shard1of1.bin"] = shard,
        });
        var definition = SyntheticPackage.Definition(SourceFormat.TfjsLayers, "models/x2/model.json", 2, SyntheticPackage.IntegrityOf(tarball)) with { Committed = false };
        var store = new ModelStore(Path.Combine(workDirectory, "models"), Path.Combine(workDirectory, "cache"));
        SyntheticPackage.WriteTarball(Path.Combine(store.CacheDirectory, "npm"), definition.Source, tarball);

        // What `models import` would have recorded: convert once elsewhere to learn the hash.
        var reference = await ModelImporter.Create(null, store.CacheDirectory)
            .ImportAsync([definition], _ => Path.Combine(workDirectory, "reference"), CancellationToken.None);
        var entry = reference[0] with { Sha256 = pinnedSha256 ?? reference[0].Sha256 };
        Directory.CreateDirectory(store.ConvertedCacheDirectory);
        return (store, entry);
    }
}
