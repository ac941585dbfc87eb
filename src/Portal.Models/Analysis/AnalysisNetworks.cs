using System.Security.Cryptography;
using System.Text.Json;
using Portal.Models.Conversion;
using Portal.Models.Packages;

namespace Portal.Models.Analysis;

/// <summary>
/// The analysis networks, their pinned sources and how each is converted. The ONNX files are small
/// (0.2-6.5 MB, weights kept in their shipped uint8 form) and committed under models/analysis/;
/// <see cref="ImportAsync"/> rebuilds them byte for byte from the tarballs.
/// </summary>
public static class AnalysisNetworks
{
    public const string FolderName = "analysis";
    public const string ManifestFileName = "manifest.json";

    private const string FaceApi = "@vladmandic/face-api";
    private const string FaceApiVersion = "1.7.15";
    private const string FaceApiIntegrity = "sha512-WDMmK3CfNLo8jylWqMoQgf4nIst3M0fzx1dnac96wv/dvMTN4DxC/Pq1DGtduDk1lktCamQ3MIDXFnvrdHTXDw==";
    /// <summary>The layers of MobileNetV2 the feature distance reads; all lie in the trunk nsfwjs left frozen (trainable: false up to block 10).</summary>
    public static IReadOnlyList<string> FeatureTaps { get; } = ["Conv1_relu", "block_2_add", "block_5_add", "block_9_add"];

    public static AnalysisNetwork MobileNetFeatures { get; } = new(
        "mobilenet-v2-features",
        "nsfwjs",
        "4.4.0",
        "sha512-krC1fgeTLXtZwgdpKJ0jm7hqv0gTSRQQRL+FhOaxaJ9Wj92t42BO3csO2odwgTAgZgf2RvkwPtp0R8Aa7dc+MA==",
        ["dist/models/mobilenet_v2/model.min.js", "dist/models/mobilenet_v2/group1-shard1of1.min.js"],
        "MIT",
        "Keras MobileNetV2 with ImageNet weights (Keras Applications, Apache-2.0), fine-tuned by nsfw_model (MIT) " +
        "for content classification with the trunk frozen up to block 10; the taps read only frozen layers",
        "Deep-feature distance (LPIPS-like, uncalibrated)")
    {
        Convert = tarball =>
        {
            var model = BundledTfjsModel.ModelJson(tarball.GetFile("dist/models/mobilenet_v2/model.min.js"), "nsfwjs mobilenet_v2/model.min.js");
            byte[]? Shard(string path) => path == "group1-shard1of1" && tarball.Contains("dist/models/mobilenet_v2/group1-shard1of1.min.js")
                ? BundledTfjsModel.Shard(tarball.GetFile("dist/models/mobilenet_v2/group1-shard1of1.min.js"), "nsfwjs mobilenet_v2/group1-shard1of1.min.js")
                : null;
            // Keras' MobileNetV2 ImageNet weights take -1..1 (preprocess_input): x * 2 - 1.
            return KerasFeatureConverter.Convert(model, Shard, FeatureTaps, 2f, -1f, "mobilenet-v2-features");
        },
    };

    public static AnalysisNetwork TinyFaceDetector { get; } = FaceApiNetwork(
        "face-detector-tiny", "tiny_face_detector_model", "Face detection (boxes)",
        "face-api.js's tiny face detector, trained by that project on ~14k images labelled with boxes that cover the 68 feature points (package TUTORIAL.md)",
        FaceApiConverter.TinyFaceDetector);

    public static AnalysisNetwork FaceLandmarks { get; } = FaceApiNetwork(
        "face-landmarks-68", "face_landmark_68_model", "68 face landmarks (alignment)",
        "face-api.js's 68-point landmark net, trained by that project on ~35k labelled face images (package TUTORIAL.md)",
        FaceApiConverter.FaceLandmark68);

    public static AnalysisNetwork FaceRecognition { get; } = FaceApiNetwork(
        "face-recognition", "face_recognition_model", "128-D face descriptor (identity drift)",
        "dlib's ResNet face recognition weights (99.38 % on LFW) as ported by face-api.js (package TUTORIAL.md); upstream dlib-models " +
        "publishes that model under CC0 (recorded from upstream documentation, not verifiable offline here)",
        FaceApiConverter.FaceRecognition);

    public static IReadOnlyList<AnalysisNetwork> All { get; } = [MobileNetFeatures, TinyFaceDetector, FaceLandmarks, FaceRecognition];

    public static AnalysisNetwork? Find(string id) => All.FirstOrDefault(n => n.Id == id);

    /// <summary>The committed file of a network, under <paramref name="modelsDirectory"/>/analysis/.</summary>
    public static string PathOf(string modelsDirectory, AnalysisNetwork network)
    {
        var path = Path.Combine(modelsDirectory, FolderName, network.FileName);
        return File.Exists(path)
            ? path
            : throw new ModelImportException($"The analysis network {network.Id} is missing at {path}; run `portal models import` or restore models/analysis/.");
    }

    /// <summary>Converts one network from its opened (and integrity-checked) tarball.</summary>
    public static byte[] ConvertFrom(AnalysisNetwork network, NpmTarball tarball) => network.Convert(tarball);

    /// <summary>Fetches the pinned tarballs, converts every network into <paramref name="modelsDirectory"/>/analysis/
    /// and rewrites its manifest (source, version, integrity, licence, SHA-256 of each ONNX file).</summary>
    public static async Task ImportAsync(string modelsDirectory, string cacheDirectory, Action<string>? log, CancellationToken cancellationToken)
    {
        var folder = Path.Combine(modelsDirectory, FolderName);
        Directory.CreateDirectory(folder);
        var fetcher = new NpmPackageFetcher(Path.Combine(cacheDirectory, "npm"), log);
        var entries = new List<object>();
        foreach (var group in All.GroupBy(n => (n.Package, n.Version, n.Integrity)))
        {
            var tgz = await fetcher.GetAsync(group.Key.Package, group.Key.Version, group.Key.Integrity, cancellationToken);
            var files = group.SelectMany(n => n.SourceFiles).ToHashSet(StringComparer.Ordinal);
            var tarball = NpmTarball.Open(tgz, group.Key.Integrity, files.Contains);
            foreach (var network in group)
            {
                var onnx = network.Convert(tarball);
                var path = Path.Combine(folder, network.FileName);
                var staging = path + ".tmp";
                await File.WriteAllBytesAsync(staging, onnx, cancellationToken);
                File.Move(staging, path, overwrite: true);
                log?.Invoke($"{network.Id}: {onnx.Length:N0} bytes from {network.Package}@{network.Version}");
                entries.Add(new
                {
                    id = network.Id,
                    file = network.FileName,
                    purpose = network.Purpose,
                    sha256 = System.Convert.ToHexStringLower(SHA256.HashData(onnx)),
                    bytes = onnx.Length,
                    source = new { package = network.Package, version = network.Version, integrity = network.Integrity, files = network.SourceFiles },
                    licence = network.Licence,
                    licenceFile = "licences/" + LicenceFile(network),
                    origin = network.Origin,
                });
            }
        }
        var manifest = new { note = "Analysis networks: measure and find things in images; never offered as upscalers.", networks = entries };
        await File.WriteAllTextAsync(Path.Combine(folder, ManifestFileName),
            JsonSerializer.Serialize(manifest, new JsonSerializerOptions { WriteIndented = true, Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping }) + "\n", cancellationToken);
    }

    private static string LicenceFile(AnalysisNetwork network) => network.Package == FaceApi ? "face-api-MIT.txt" : "nsfwjs-MIT.txt";

    private static AnalysisNetwork FaceApiNetwork(string id, string stem, string purpose, string origin, Func<byte[], Func<string, byte[]?>, byte[]> convert)
    {
        var manifest = $"model/{stem}-weights_manifest.json";
        return new AnalysisNetwork(id, FaceApi, FaceApiVersion, FaceApiIntegrity, [manifest, $"model/{stem}.bin"], "MIT", origin, purpose)
        {
            Convert = tarball => convert(tarball.GetFile(manifest), shard => tarball.Contains("model/" + shard) ? tarball.GetFile("model/" + shard) : null),
        };
    }
}
