using System.Security.Cryptography;
using Portal.Models;

namespace Portal.Engine.Tests.Support;

/// <summary>
/// A model this project trained: the catalog pins its recipe by SHA-512, the manifest entry agrees, and the committed
/// file has the entry's hash and size; with data manifests named, those records of the runs' data are committed too.
/// </summary>
internal static class TrainedModelPin
{
    public static ModelEntry Check(string id, ContentType content, params string[] dataManifests)
    {
        var definition = ModelCatalog.Find(id)!;
        Assert.Equal(SourceFormat.Trained, definition.Source.Format);
        var recipe = File.ReadAllBytes(Path.Combine(RepoPaths.Models, "..", definition.Source.Path));
        Assert.Equal("sha512-" + Convert.ToBase64String(SHA512.HashData(recipe)), definition.Source.Integrity);

        var entry = ModelManifest.Load(Path.Combine(RepoPaths.Models, "manifest.json")).FindById(id)!;
        Assert.Equal(definition.Source, entry.Source);
        Assert.Equal(content, entry.ContentType);
        Assert.True(entry.Committed);
        Assert.True(File.Exists(Path.Combine(RepoPaths.Models, entry.LicenceFile)));
        var file = File.ReadAllBytes(Path.Combine(RepoPaths.Models, entry.File));
        Assert.Equal((entry.Sha256, entry.SizeBytes), (Convert.ToHexStringLower(SHA256.HashData(file)), file.Length));
        foreach (var dataManifest in dataManifests)
        {
            Assert.True(File.Exists(Path.Combine(RepoPaths.Models, "recipes", dataManifest)), $"{dataManifest} is not committed");
        }
        return entry;
    }
}
