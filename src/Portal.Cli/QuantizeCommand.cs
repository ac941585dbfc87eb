using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using Portal.Engine;
using Portal.Engine.Imaging;
using Portal.Engine.Inference;
using Portal.Engine.Tiling;
using Portal.Models;
using Portal.Models.Evaluation;
using Portal.Models.Quantization;

namespace Portal.Cli;

/// <summary>
/// <c>models quantize</c>: makes the int8 (QDQ) variant of a model from calibration images and
/// reports how far its output is from the float model's and how much faster it runs.
/// </summary>
internal static class QuantizeCommand
{
    public static Command Create()
    {
        var ids = new Option<string[]>("--id") { Description = "Model ids to quantize (repeatable).", Required = true };
        var calibration = new Option<string?>("--calibration") { Description = "Folder of calibration images (default: models/calibration)." };
        var images = new Option<string?>("--images") { Description = "Folder of images to compare int8 with float32 on (default: models/evaluation/photos)." };
        var output = new Option<string?>("--output") { Description = "Write the .int8.onnx files here for a trial, leaving models/ and the manifest alone (default: models/, and the manifest records each variant)." };
        var weightBits = new Option<int>("--weight-bits") { Description = "7 (no AVX2 saturation, default) or 8.", DefaultValueFactory = _ => 7 };
        var percentile = new Option<double>("--percentile") { Description = "Activation range percentile per tile (1 = min/max).", DefaultValueFactory = _ => 1.0 };
        var allConvs = new Option<bool>("--all-convs") { Description = "Also quantize the convolutions that write the output image." };
        var separateConcat = new Option<bool>("--separate-concat-ranges") { Description = "Do not give a concat's members one shared range (finer, but the concat requantizes)." };
        var uint8Concats = new Option<bool>("--uint8-concats") { Description = "Keep concats of mostly quantized tensors in uint8 even before a float conv (faster on RDN feature fusion; can cost accuracy)." };
        var equalize = new Option<Equalization>("--equalize") { Description = "Balance channel ranges across conv/activation/conv chains first: none (default), weights (data-free) or activations (calibrated)." };
        var from = new Option<string?>("--from") { Description = "Quantize these float weights (same graph, e.g. a quantization-aware fine-tune from `train` with a quantization recipe) instead of the model's own, or an int8 file such a run wrote (taken as it is); int8 is still compared with the model's own float32." };
        var overlapOnly = new Option<bool>("--overlap-only") { Description = "Only re-measure and record the tile overlap of existing int8 variants." };
        var keepFloat = new Option<string?>("--keep-float") { Description = "Convolutions (node names, comma-separated) to leave in float from the start; the search for more runs only if the target is still missed." };
        var keepCoarsest = new Option<int>("--keep-coarsest") { Description = "Also leave in float this many convolutions whose input or output the uint8 grid rounds most coarsely (step over RMS, from the calibration pass alone)." };
        var floatResiduals = new Option<bool>("--float-residuals") { Description = "Residual additions read the float tensor instead of its uint8 rounding (deep residual trunks such as RRDB)." };
        var compareCrop = new Option<int>("--compare-crop") { Description = "Compare int8 with float32 on a centred square crop of this side of each comparison image (0 = whole images, default)." };
        var target = new Option<double>("--target-psnr") { Description = "dB against float32 the int8 model must keep on the calibration tiles (default 43).", DefaultValueFactory = _ => 43.0 };
        var command = new Command("quantize", "Make int8 variants of models (calibrated QDQ) and compare them with float32.")
        {
            Options = { ids, calibration, images, output, weightBits, percentile, allConvs, target, separateConcat, uint8Concats, equalize, keepFloat, keepCoarsest, floatResiduals, compareCrop, overlapOnly, from },
        };
        command.SetAction(async (parseResult, cancellationToken) =>
        {
            var store = ModelsCommand.OpenStore(parseResult);
            var calibrationFolder = parseResult.GetValue(calibration) ?? Path.Combine(store.ModelsDirectory, "calibration");
            var compareFolder = parseResult.GetValue(images) ?? Path.Combine(store.ModelsDirectory, "evaluation", "photos");
            var trialFolder = parseResult.GetValue(output);
            var outputFolder = trialFolder ?? store.ModelsDirectory;
            var options = new QuantizationOptions(parseResult.GetValue(weightBits), !parseResult.GetValue(allConvs), parseResult.GetValue(percentile), parseResult.GetValue(target),
                !parseResult.GetValue(separateConcat), parseResult.GetValue(uint8Concats), parseResult.GetValue(equalize),
                parseResult.GetValue(keepFloat)?.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries), parseResult.GetValue(floatResiduals), parseResult.GetValue(keepCoarsest));
            var calibrationImages = ImagesIn(calibrationFolder);
            var compareImages = CentredCrops(ImagesIn(compareFolder), parseResult.GetValue(compareCrop));
            if (calibrationImages.Count == 0 || compareImages.Count == 0)
            {
                Console.Error.WriteLine($"No images found in {(calibrationImages.Count == 0 ? calibrationFolder : compareFolder)}.");
                return 2;
            }
            var tunedPath = parseResult.GetValue(from);
            if (tunedPath is not null && (parseResult.GetValue(ids) ?? []).Length != 1)
            {
                // One file of tuned weights belongs to one model; applied to several it would mislabel all but one.
                Console.Error.WriteLine("--from takes exactly one --id: the weights it names belong to one model.");
                return 2;
            }
            if (tunedPath is not null && !File.Exists(tunedPath))
            {
                Console.Error.WriteLine($"--from names {tunedPath}, which does not exist.");
                return 2;
            }
            Directory.CreateDirectory(outputFolder);
            foreach (var id in parseResult.GetValue(ids) ?? [])
            {
                var entry = store.Manifest.FindById(id);
                if (entry is null)
                {
                    Console.Error.WriteLine($"Unknown model id {id}.");
                    return 2;
                }
                var floatPath = await store.EnsureInstalledAsync(entry, cancellationToken);
                if (parseResult.GetValue(overlapOnly))
                {
                    if (entry.Int8 is null)
                    {
                        Console.Error.WriteLine($"{id} has no int8 variant yet; run models quantize --id {id} first.");
                        return 2;
                    }

                    RecordOverlap(store, entry.Id, calibrationFolder);
                    continue;
                }
                var floatModel = await File.ReadAllBytesAsync(tunedPath ?? floatPath, cancellationToken);
                // A --from file that is already int8 (a quantization-aware run's, with its trained ranges) is taken as it is.
                var quantized = (tunedPath is null ? null : QuantizedModelFile.TryRead(floatModel))
                    ?? ModelQuantizer.Quantize(floatModel, calibrationImages, options, Console.WriteLine);
                var quantizedPath = Path.Combine(outputFolder, entry.Id + ".int8.onnx");
                await File.WriteAllBytesAsync(quantizedPath, quantized.Onnx, cancellationToken);
                Console.WriteLine($"Wrote {quantizedPath} ({quantized.Onnx.Length:N0} bytes; float32 {new FileInfo(floatPath).Length:N0}): "
                    + $"{quantized.IntegerConvs} convolutions in int8, {quantized.FloatConvs.Count} kept in float.");
                var worst = Compare(entry, floatPath, quantizedPath, compareImages);
                if (trialFolder is null)
                {
                    var variant = new Int8Variant
                    {
                        File = Path.GetFileName(quantizedPath),
                        Sha256 = Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(quantized.Onnx)),
                        SizeBytes = quantized.Onnx.Length,
                        IntegerConvs = quantized.IntegerConvs,
                        FloatConvs = quantized.FloatConvs.Count,
                        WeightBits = options.WeightBits,
                        PsnrVsFloat = Math.Round(worst, 2),
                        Options = tunedPath is null ? Flags(options) : $"{Flags(options)} --from {tunedPath}".Trim(),
                    };
                    SetInt8(store, entry.Id, _ => variant);
                    Console.WriteLine($"Recorded the int8 variant of {entry.Id} in {store.ManifestPath}.");
                    RecordOverlap(store, entry.Id, calibrationFolder);
                }
            }
            return 0;
        });
        return command;
    }

    /// <summary>Candidate overlaps, smallest first; the first that keeps a tiled run 53 dB from an untiled one is recorded.</summary>
    private static readonly int[] Overlaps = [8, 12, 16, 24, 32, 48, 64];

    /// <summary>The bar is 50 dB; 3 dB of margin for other images.</summary>
    private const double SeamTargetPsnr = 53;

    /// <summary>
    /// Measures the int8 variant's tile overlap (40 px tiles on 192 px of fur texture, the worst
    /// case for seams) and records it in the manifest.
    /// </summary>
    private static void RecordOverlap(ModelStore store, string id, string calibrationFolder)
    {
        var texture = Path.Combine(Path.GetTempPath(), $"portal-seams-{Guid.NewGuid():N}.png");
        try
        {
            File.Copy(Path.Combine(calibrationFolder, "baboon.png"), texture);
            using var upscaler = new ImageUpscaler(new EngineOptions
            {
                ModelsDirectory = store.ModelsDirectory,
                ModelCacheDirectory = store.CacheDirectory,
                UseGpu = false,
                CpuPrecision = ModelPrecision.Int8,
            });
            var entry = upscaler.Manifest.FindById(id)!;
            var model = upscaler.LoadModel(entry);
            using var source = ImageDecoder.Decode(texture, ImageInspector.ReadHeader(texture), CancellationToken.None);
            var untiled = BenchCommand.RunToBytes(source, model, Math.Max(source.Width, source.Height), 0);
            var chosen = Overlaps[^1];
            // The engine never runs a variant with less overlap than its float model (ModelOverlaps.For takes the larger),
            // so smaller candidates are not worth a run: for realesrgan-x4plus each costs minutes.
            var floatOverlap = ModelOverlaps.For(entry);
            foreach (var overlap in Overlaps.Where(o => o >= floatOverlap && 40 + (2 * o) < Math.Min(source.Width, source.Height)))
            {
                var psnr = BenchCommand.Psnr(untiled, BenchCommand.RunToBytes(source, model, 40, overlap));
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{id} int8: overlap {overlap} -> {psnr:F1} dB tiled vs untiled"));
                if (psnr >= SeamTargetPsnr)
                {
                    chosen = overlap;
                    break;
                }
            }
            SetInt8(store, id, variant => variant! with { Overlap = chosen });
            Console.WriteLine(chosen == Overlaps[^1]
                ? $"Recorded overlap {chosen} (the widest candidate; check its line above against {SeamTargetPsnr} dB) for the int8 variant of {id}."
                : $"Recorded overlap {chosen} for the int8 variant of {id}.");
        }
        finally
        {
            File.Delete(texture);
        }
    }

    /// <summary>Rewrites one model's int8 entry in the manifest on disk.</summary>
    private static void SetInt8(ModelStore store, string id, Func<Int8Variant?, Int8Variant> update)
    {
        var manifest = ModelManifest.Load(store.ManifestPath);
        manifest = manifest with { Models = manifest.Models.Select(m => m.Id == id ? m with { Int8 = update(m.Int8) } : m).ToList() };
        manifest.Save(store.ManifestPath);
    }

    /// <summary>The options that differ from the defaults, as command-line flags.</summary>
    private static string Flags(QuantizationOptions options)
    {
        var defaults = new QuantizationOptions();
        var flags = new List<string>();
        if (options.WeightBits != defaults.WeightBits) flags.Add($"--weight-bits {options.WeightBits}");
        if (options.Percentile != defaults.Percentile) flags.Add(string.Create(CultureInfo.InvariantCulture, $"--percentile {options.Percentile}"));
        if (!options.KeepOutputConvFloat) flags.Add("--all-convs");
        if (options.TargetPsnr != defaults.TargetPsnr) flags.Add(string.Create(CultureInfo.InvariantCulture, $"--target-psnr {options.TargetPsnr}"));
        if (!options.ShareConcatRanges) flags.Add("--separate-concat-ranges");
        if (options.Uint8Concats) flags.Add("--uint8-concats");
        if (options.Equalization != defaults.Equalization) flags.Add($"--equalize {options.Equalization.ToString().ToLowerInvariant()}");
        if (options.KeepFloat is { Count: > 0 } kept) flags.Add($"--keep-float {string.Join(',', kept)}");
        if (options.FloatResiduals) flags.Add("--float-residuals");
        if (options.KeepCoarsest > 0) flags.Add($"--keep-coarsest {options.KeepCoarsest}");
        return string.Join(' ', flags);
    }

    private static List<RgbImage> ImagesIn(string folder) =>
        Directory.Exists(folder)
            ? Directory.GetFiles(folder).Where(f => f.EndsWith(".png", StringComparison.OrdinalIgnoreCase) || f.EndsWith(".jpg", StringComparison.OrdinalIgnoreCase))
                .Order(StringComparer.Ordinal).Select(RgbImage.Load).ToList()
            : [];

    /// <summary>A centred square of each image (the whole image where it is smaller); 0 keeps the images whole. Deep models take minutes per whole evaluation photo on the CPU.</summary>
    private static List<RgbImage> CentredCrops(List<RgbImage> images, int side) =>
        side <= 0
            ? images
            : [.. images.Select(i => ModelQuantizer.Crop(i, Math.Max(0, (i.Width - side) / 2), Math.Max(0, (i.Height - side) / 2), Math.Min(side, i.Width), Math.Min(side, i.Height)))];

    /// <summary>Prints the comparison and returns the worst image's PSNR.</summary>
    private static double Compare(ModelEntry entry, string floatPath, string quantizedPath, List<RgbImage> images)
    {
        using var floatModel = new OnnxUpscaler(floatPath);
        using var quantizedModel = new OnnxUpscaler(quantizedPath);
        var floatSeconds = 0.0;
        var quantizedSeconds = 0.0;
        var worst = double.MaxValue;
        var pixels = 0L;
        (int, int) warmedUp = default;
        foreach (var image in images)
        {
            // A warm-up run per new input shape (ONNX Runtime plans memory per shape), not per image: crops of one size need one.
            if (warmedUp != (image.Width, image.Height))
            {
                floatModel.Upscale(image);
                quantizedModel.Upscale(image);
                warmedUp = (image.Width, image.Height);
            }
            var watch = Stopwatch.StartNew();
            var expected = floatModel.Upscale(image).Quantized();
            floatSeconds += watch.Elapsed.TotalSeconds;
            watch.Restart();
            var actual = quantizedModel.Upscale(image).Quantized();
            quantizedSeconds += watch.Elapsed.TotalSeconds;
            pixels += (long)image.Width * image.Height;
            worst = Math.Min(worst, ImageQuality.RgbPsnr(expected, actual));
        }
        var work = (double)entry.FlopsPerInputPixel * pixels / 1e9;
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{entry.Id}: int8 vs float32 PSNR (RGB, 8-bit output) worst image {worst:F2} dB; float32 {work / floatSeconds:F1} GFLOP/s, int8 {work / quantizedSeconds:F1} GFLOP/s ({floatSeconds / quantizedSeconds:F2}x)."));
        return worst;
    }
}
