using System.Text;
using Portal.Engine.Faces;
using Portal.Models;
using Portal.Models.Analysis;

namespace Portal.Engine.Tests.Analysis;

/// <summary>Hostile or damaged weights, manifests, bundles and ONNX files give a clear error naming the cause.</summary>
public sealed class AnalysisWeightsRejectBadInput
{
    [Fact]
    public async Task A_truncated_weight_shard_is_named()
    {
        var tarball = await AnalysisFixtures.OpenFaceApiAsync();
        var manifest = tarball.GetFile("model/face_recognition_model-weights_manifest.json");
        var shard = tarball.GetFile("model/face_recognition_model.bin");
        var error = Assert.Throws<ModelImportException>(() =>
            ConvertFaceRecognition(manifest, shard.AsSpan(0, shard.Length / 2).ToArray()));
        Assert.Contains("shard too short or truncated", error.Message);
    }

    [Fact]
    public async Task A_missing_shard_a_missing_weight_and_extra_weights_are_named()
    {
        var tarball = await AnalysisFixtures.OpenFaceApiAsync();
        var manifest = Encoding.UTF8.GetString(tarball.GetFile("model/tiny_face_detector_model-weights_manifest.json"));
        var shard = tarball.GetFile("model/tiny_face_detector_model.bin");

        var missingShard = Assert.Throws<ModelImportException>(() => Portal.Models.Conversion.FaceApiConverter.TinyFaceDetector(Encoding.UTF8.GetBytes(manifest), _ => null));
        Assert.Contains("weight shard 'tiny_face_detector_model.bin' is missing", missingShard.Message);

        var renamed = manifest.Replace("\"conv8/bias\"", "\"conv8/offsets\"", StringComparison.Ordinal);
        var missingWeight = Assert.Throws<ModelImportException>(() => Portal.Models.Conversion.FaceApiConverter.TinyFaceDetector(Encoding.UTF8.GetBytes(renamed), _ => shard));
        Assert.Contains("no 'conv8/bias'", missingWeight.Message);

        // The recognition net's weights are not a detector: the architecture refuses them by name.
        var recognitionManifest = tarball.GetFile("model/face_recognition_model-weights_manifest.json");
        var recognitionShard = tarball.GetFile("model/face_recognition_model.bin");
        var wrongNet = Assert.Throws<ModelImportException>(() => Portal.Models.Conversion.FaceApiConverter.TinyFaceDetector(recognitionManifest, _ => recognitionShard));
        Assert.Contains("'conv0/filters'", wrongNet.Message);
    }

    [Theory]
    [InlineData("[{\"paths\":[\"x.bin\"],\"weights\":[{\"name\":\"conv0/filters\",\"shape\":[3,3,-3,16],\"dtype\":\"float32\"}]}]", "invalid shape")]
    [InlineData("[{\"paths\":[\"x.bin\"],\"weights\":[{\"name\":\"conv0/filters\",\"shape\":[65536,65536,65536,2],\"dtype\":\"float32\"}]}]", "invalid shape")]
    [InlineData("[{\"paths\":[\"x.bin\"],\"weights\":[{\"name\":\"conv0/filters\",\"shape\":[3,3,3,16],\"dtype\":\"int32\"}]}]", "dtype 'int32'")]
    [InlineData("{\"weights\":[]}", "not a JSON array")]
    [InlineData("[{\"paths\":[\"x.bin\"]}]", "malformed")]
    [InlineData("[{\"paths\":", "not valid JSON")]
    public void A_hostile_manifest_is_refused_with_its_cause(string manifest, string expected)
    {
        var error = Assert.Throws<ModelImportException>(() =>
            Portal.Models.Conversion.FaceApiConverter.TinyFaceDetector(Encoding.UTF8.GetBytes(manifest), _ => new byte[64]));
        Assert.Contains(expected, error.Message);
    }

    [Theory]
    [InlineData("module.exports={modelTopology:{a:1}", "end of the file")]
    [InlineData("exports={modelTopology:require(\"fs\")}", "expression 'require'")]
    [InlineData("exports={modelTopology:{a:1.2.3}}", "number '1.2.3'")]
    [InlineData("var model = 1;", "no exported model literal")]
    public void A_bundled_model_that_is_not_a_plain_literal_is_refused(string script, string expected)
    {
        var error = Assert.Throws<ModelImportException>(() => Portal.Models.Conversion.BundledTfjsModel.ModelJson(Encoding.UTF8.GetBytes(script), "model.min.js"));
        Assert.Contains(expected, error.Message);
    }

    [Fact]
    public void A_bundled_literal_reads_as_the_json_it_spells()
    {
        var script = "x.exports={modelTopology:{keras_version:\"2.2.4\",ok:!0,no:!1,v:.5,w:-.25,e:1e-3,n:null,s:\"a\\\"b\",l:[1,2]}}";
        var json = Encoding.UTF8.GetString(Portal.Models.Conversion.BundledTfjsModel.ModelJson(Encoding.UTF8.GetBytes(script), "model.min.js"));
        Assert.Equal("{\"modelTopology\":{\"keras_version\":\"2.2.4\",\"ok\":true,\"no\":false,\"v\":0.5,\"w\":-0.25,\"e\":1e-3,\"n\":null,\"s\":\"a\\\"b\",\"l\":[1,2]}}", json);
        var shard = Portal.Models.Conversion.BundledTfjsModel.Shard(Encoding.ASCII.GetBytes("h.exports=\"AAEC\""), "shard.min.js");
        Assert.Equal(new byte[] { 0, 1, 2 }, shard);
        Assert.Throws<ModelImportException>(() => Portal.Models.Conversion.BundledTfjsModel.Shard(Encoding.ASCII.GetBytes("h.exports=\"A*EC\""), "shard.min.js"));
    }

    [Fact]
    public void A_corrupt_or_missing_onnx_file_is_a_clear_error()
    {
        using var folder = new Support.TempDirectory();
        var analysis = Directory.CreateDirectory(Path.Combine(folder.Path, AnalysisNetworks.FolderName));
        var missing = Assert.Throws<ModelImportException>(() => new FaceDetector(folder.Path));
        Assert.Contains("face-detector-tiny is missing", missing.Message);

        var original = File.ReadAllBytes(AnalysisNetworks.PathOf(AnalysisFixtures.ModelsDirectory, AnalysisNetworks.TinyFaceDetector));
        File.WriteAllBytes(Path.Combine(analysis.FullName, AnalysisNetworks.TinyFaceDetector.FileName), original.AsSpan(0, original.Length / 3).ToArray());
        var truncated = Assert.Throws<ModelImportException>(() => new FaceDetector(folder.Path));
        Assert.Contains("cannot be loaded", truncated.Message);
    }

    private static byte[] ConvertFaceRecognition(byte[] manifest, byte[] shard) =>
        Portal.Models.Conversion.FaceApiConverter.FaceRecognition(manifest, _ => shard);
}
