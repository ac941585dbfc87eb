using Portal.Models;
using Portal.Models.Evaluation;

namespace Portal.Engine.Tests.Models;

/// <summary>Each malformed input fails with a message naming the cause, and leaves no .onnx behind.</summary>
public sealed class ImporterRejectsBadInput : IDisposable
{
    private readonly string workDirectory = Directory.CreateTempSubdirectory("portal-import-").FullName;

    private string TarballDirectory => Path.Combine(workDirectory, "tarballs");

    private string OutputDirectory => Path.Combine(workDirectory, "out");

    [Fact]
    public async Task A_valid_synthetic_package_imports()
    {
        var (json, shard) = SyntheticPackage.TfjsModel();
        var entry = await ImportTfjs(SyntheticPackage.Tarball(TfjsFiles(json, shard)));
        Assert.Equal(2, entry.Scale);
        Assert.True(File.Exists(Path.Combine(OutputDirectory, entry.File)));
    }

    [Fact]
    public async Task Unknown_layer_type_is_named()
    {
        var (json, shard) = SyntheticPackage.TfjsModel(middleLayerClass: "Lambda");
        var error = await Assert.ThrowsAsync<ModelImportException>(() => ImportTfjs(SyntheticPackage.Tarball(TfjsFiles(json, shard))));
        Assert.Contains("unsupported layer type 'Lambda'", error.Message);
        Assert.Contains("'up'", error.Message);
        AssertNothingWritten();
    }

    [Fact]
    public async Task Shard_shorter_than_the_manifest_is_reported()
    {
        var (json, shard) = SyntheticPackage.TfjsModel();
        var error = await Assert.ThrowsAsync<ModelImportException>(() => ImportTfjs(SyntheticPackage.Tarball(TfjsFiles(json, shard[..^8]))));
        Assert.Contains("group1-shard1of1.bin", error.Message);
        Assert.Contains("too short", error.Message);
        AssertNothingWritten();
    }

    [Fact]
    public async Task Wrong_hash_is_refused_before_reading()
    {
        var (json, shard) = SyntheticPackage.TfjsModel();
        var tarball = SyntheticPackage.Tarball(TfjsFiles(json, shard));
        var wrongIntegrity = SyntheticPackage.IntegrityOf(SyntheticPackage.Utf8("something else"));
        var error = await Assert.ThrowsAsync<ModelImportException>(() => ImportTfjs(tarball, wrongIntegrity));
        Assert.Contains("Integrity check failed", error.Message);
        Assert.Contains(wrongIntegrity, error.Message);
        AssertNothingWritten();
    }

    [Fact]
    public async Task Truncated_tarball_fails_the_pinned_hash()
    {
        var (json, shard) = SyntheticPackage.TfjsModel();
        var tarball = SyntheticPackage.Tarball(TfjsFiles(json, shard));
        var error = await Assert.ThrowsAsync<ModelImportException>(() =>
            ImportTfjs(tarball[..(tarball.Length / 2)], SyntheticPackage.IntegrityOf(tarball)));
        Assert.Contains("truncated", error.Message);
        AssertNothingWritten();
    }

    [Fact]
    public async Task Truncated_tarball_is_reported_even_when_its_hash_matches()
    {
        // A registry entry pinned to an already-truncated file: the tar reader must notice on its own.
        var (json, shard) = SyntheticPackage.TfjsModel();
        var tarball = SyntheticPackage.Tarball(TfjsFiles(json, shard));
        var truncated = tarball[..(tarball.Length * 2 / 3)];
        var error = await Assert.ThrowsAsync<ModelImportException>(() => ImportTfjs(truncated, SyntheticPackage.IntegrityOf(truncated)));
        Assert.True(error.Message.Contains("truncated", StringComparison.Ordinal) || error.Message.Contains("gzip", StringComparison.Ordinal), error.Message);
        AssertNothingWritten();
    }

    [Fact]
    public async Task Ncnn_blob_with_an_unknown_tag_is_named_with_its_offset()
    {
        var (param, bin) = SyntheticPackage.NcnnModel(tag: 0xDEADBEEF);
        var error = await Assert.ThrowsAsync<ModelImportException>(() => ImportNcnn(param, bin));
        Assert.Contains("0xDEADBEEF", error.Message);
        Assert.Contains("offset 0", error.Message);
        AssertNothingWritten();
    }

    [Fact]
    public async Task Ncnn_model_with_fp16_weights_imports()
    {
        var (param, bin) = SyntheticPackage.NcnnModel();
        var entry = await ImportNcnn(param, bin);
        Assert.Equal(12, entry.Parameters);

        // The weights are an identity 1x1 conv: the output must equal the input.
        using var upscaler = new OnnxUpscaler(Path.Combine(OutputDirectory, entry.File));
        var input = new RgbImage(2, 2, [0f, 0.1f, 0.2f, 0.3f, 0.4f, 0.5f, 0.6f, 0.7f, 0.8f, 0.9f, 1f, 0.25f]);
        Assert.Equal(input.Planes, upscaler.Upscale(input).Planes);
    }

    [Fact]
    public async Task Ncnn_package_with_the_wrong_integrity_is_refused()
    {
        var (param, bin) = SyntheticPackage.NcnnModel();
        var tarball = NcnnTarball(param, bin);
        var wrongIntegrity = SyntheticPackage.IntegrityOf(SyntheticPackage.Utf8("another package"));
        var definition = SyntheticPackage.Definition(SourceFormat.Ncnn, "models/tiny.param", 1, wrongIntegrity);

        var error = await Assert.ThrowsAsync<ModelImportException>(() => Import(definition, tarball));

        Assert.Contains("Integrity check failed", error.Message);
        Assert.Contains(wrongIntegrity, error.Message);
        AssertNothingWritten();
    }

    [Fact]
    public async Task Truncated_ncnn_bin_names_the_weight_and_the_offsets()
    {
        var (param, bin) = SyntheticPackage.NcnnModel(layers: 2);

        // Cut inside the second convolution's fp16 kernel (each layer's blob is 4 + 20 + 12 bytes).
        var error = await Assert.ThrowsAsync<ModelImportException>(() => ImportNcnn(param, bin[..(36 + 10)]));

        Assert.Contains("the .bin is shorter than the .param's graph needs", error.Message);
        Assert.Contains("'conv1_weight' needs 18 bytes from offset 40", error.Message);
        Assert.Contains("only 6 bytes are left", error.Message);
        AssertNothingWritten();
    }

    [Fact]
    public async Task Ncnn_bin_shorter_than_the_graph_needs_is_reported()
    {
        // A whole, valid blob for a one-layer graph, paired with a .param that has a second layer.
        var (param, _) = SyntheticPackage.NcnnModel(layers: 2);
        var (_, oneLayerBin) = SyntheticPackage.NcnnModel(layers: 1);

        var error = await Assert.ThrowsAsync<ModelImportException>(() => ImportNcnn(param, oneLayerBin));

        Assert.Contains("the .bin is shorter than the .param's graph needs", error.Message);
        Assert.Contains("'conv1_weight'", error.Message);
        Assert.Contains("nothing is left", error.Message);
        AssertNothingWritten();
    }

    [Fact]
    public async Task Ncnn_bin_longer_than_the_graph_needs_is_reported()
    {
        var (param, _) = SyntheticPackage.NcnnModel(layers: 1);
        var (_, twoLayerBin) = SyntheticPackage.NcnnModel(layers: 2);

        var error = await Assert.ThrowsAsync<ModelImportException>(() => ImportNcnn(param, twoLayerBin));

        Assert.Contains("36 bytes left over after the last layer", error.Message);
        AssertNothingWritten();
    }

    [Fact]
    public async Task Ncnn_param_naming_an_unknown_layer_is_named_with_its_line()
    {
        var (param, bin) = SyntheticPackage.NcnnModel(layers: 2);
        param = param.Replace("Convolution conv1 ", "Deconvolution conv1 ", StringComparison.Ordinal);

        var error = await Assert.ThrowsAsync<ModelImportException>(() => ImportNcnn(param, bin));

        Assert.Contains("unsupported layer type 'Deconvolution'", error.Message);
        Assert.Contains("layer 'conv1'", error.Message);
        Assert.Contains(".param line 5", error.Message);
        AssertNothingWritten();
    }

    [Fact]
    public async Task Two_layer_ncnn_model_imports()
    {
        // The valid twin of the hostile variants above: the same files, whole.
        var (param, bin) = SyntheticPackage.NcnnModel(layers: 2);
        var entry = await ImportNcnn(param, bin);
        Assert.Equal(24, entry.Parameters);
    }

    public void Dispose() => Directory.Delete(workDirectory, recursive: true);

    private static byte[] NcnnTarball(string param, byte[] bin) => SyntheticPackage.Tarball(new Dictionary<string, byte[]>
    {
        ["models/tiny.param"] = SyntheticPackage.Utf8(param),
        ["models/tiny.bin"] = bin,
    });

    private static Dictionary<string, byte[]> TfjsFiles(string json, byte[] shard) => new()
    {
        ["models/x2/model.json"] = SyntheticPackage.Utf8(json),
        ["models/x2/group1-shard1of1.bin"] = shard,
    };

    private async Task<ModelEntry> ImportTfjs(byte[] tarball, string? integrity = null)
    {
        var definition = SyntheticPackage.Definition(SourceFormat.TfjsLayers, "models/x2/model.json", 2, integrity ?? SyntheticPackage.IntegrityOf(tarball));
        return await Import(definition, tarball);
    }

    private async Task<ModelEntry> ImportNcnn(string param, byte[] bin)
    {
        var tarball = NcnnTarball(param, bin);
        var definition = SyntheticPackage.Definition(SourceFormat.Ncnn, "models/tiny.param", 1, SyntheticPackage.IntegrityOf(tarball));
        return await Import(definition, tarball);
    }

    private async Task<ModelEntry> Import(ModelDefinition definition, byte[] tarball)
    {
        var path = SyntheticPackage.WriteTarball(TarballDirectory, definition.Source, tarball);
        var importer = new ModelImporter((_, _) => Task.FromResult(path));
        var entries = await importer.ImportAsync([definition], _ => OutputDirectory, CancellationToken.None);
        return entries.Single();
    }

    private void AssertNothingWritten() =>
        Assert.True(!Directory.Exists(OutputDirectory) || Directory.GetFiles(OutputDirectory).Length == 0,
            "the failed import left files behind: " + string.Join(", ", Directory.Exists(OutputDirectory) ? Directory.GetFiles(OutputDirectory) : []));
}
