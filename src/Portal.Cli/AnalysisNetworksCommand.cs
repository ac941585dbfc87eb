using System.CommandLine;
using System.Globalization;
using Portal.Engine.Faces;
using Portal.Models;
using Portal.Models.Analysis;
using Portal.Models.Evaluation;
using Portal.Models.Evaluation.Metrics;

namespace Portal.Cli;

/// <summary><c>models analysis import</c>: converts the analysis networks (feature and face networks) into models/analysis/.</summary>
internal static class AnalysisNetworksCommand
{
    public static Command Create()
    {
        var command = new Command("analysis", "The analysis networks (deep features, face detection and recognition): never upscalers.");
        var import = new Command("import", "Fetch the pinned packages and convert the analysis networks into models/analysis/ with their manifest.");
        import.SetAction(async (parseResult, cancellationToken) =>
        {
            var store = ModelsCommand.OpenStore(parseResult);
            try
            {
                await AnalysisNetworks.ImportAsync(store.ModelsDirectory, store.CacheDirectory, Console.WriteLine, cancellationToken);
                return 0;
            }
            catch (ModelImportException error)
            {
                Console.Error.WriteLine("Import failed: " + error.Message);
                return 1;
            }
        });
        command.Subcommands.Add(import);
        command.Subcommands.Add(CreateTime());
        command.Subcommands.Add(CreateCompare());
        return command;
    }

    private static Command CreateCompare()
    {
        var image = new Option<string?>("--image") { Description = "The original (default: the evaluation set's portrait)." };
        var scale = new Option<int>("--scale") { Description = "Shrink by this factor (antialiased bicubic, 8 bits), then upscale back (default 4).", DefaultValueFactory = _ => 4 };
        var models = new Option<string[]>("--model") { Description = "Model ids to compare (repeatable; default: every installed model of the scale)." };
        var command = new Command("compare", "Deep-feature distance and face identity drift of each model's result against the original, beside bicubic and lanczos3.")
        {
            Options = { image, scale, models },
        };
        command.SetAction(async (parseResult, cancellationToken) =>
        {
            var store = ModelsCommand.OpenStore(parseResult);
            var path = parseResult.GetValue(image) ?? Path.Combine(store.ModelsDirectory, "evaluation", "photos", "astronaut.png");
            var factor = parseResult.GetValue(scale);
            var original = ModelEvaluator.CropToMultiple(RgbImage.Load(path), factor);
            var input = Resampler.Resize(original, original.Width / factor, original.Height / factor, Resampler.Kernel.Bicubic).Quantized();
            var wanted = parseResult.GetValue(models) ?? [];
            var results = new List<(string Name, RgbImage Result)>
            {
                ("bicubic", Resampler.Resize(input, original.Width, original.Height, Resampler.Kernel.Bicubic).Quantized()),
                ("lanczos3", Resampler.Resize(input, original.Width, original.Height, Resampler.Kernel.Lanczos3).Quantized()),
            };
            try
            {
                foreach (var entry in store.Manifest.Models.Where(m => m.Scale == factor && (wanted.Length == 0 ? store.IsInstalled(m) : wanted.Contains(m.Id))))
                {
                    using var upscaler = new OnnxUpscaler(await store.EnsureInstalledAsync(entry, cancellationToken));
                    results.Add((entry.Id, upscaler.Upscale(input).Quantized()));
                }
                using var features = new DeepFeatureDistance(store.ModelsDirectory);
                using var drift = new FaceIdentityDrift(store.ModelsDirectory);
                Console.WriteLine($"{Path.GetFileName(path)} {original.Width}x{original.Height}, shrunk x{factor} to {input.Width}x{input.Height} and upscaled back");
                Console.WriteLine("| method | PSNR-Y dB | deep-feature dist. (uncalibrated) | face drift (mean over faces) |");
                Console.WriteLine("|---|---:|---:|---:|");
                foreach (var (name, result) in results)
                {
                    var faces = drift.Measure(original, result, cancellationToken);
                    Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                        $"| {name} | {ImageQuality.Psnr(original, result, factor):F2} | {features.Measure(original, result):F4} | {(faces.HasFaces ? faces.Mean.ToString("F3", CultureInfo.InvariantCulture) + $" ({faces.Faces.Count} face(s))" : "no face")} |"));
                }
                return 0;
            }
            catch (ModelImportException error)
            {
                Console.Error.WriteLine(error.Message);
                return 1;
            }
        });
        return command;
    }

    private static Command CreateTime()
    {
        var image = new Option<string?>("--image") { Description = "The photo to time on (default: the evaluation set's portrait), resized to --megapixels." };
        var megapixels = new Option<double>("--megapixels") { Description = "Image size in megapixels (default 1).", DefaultValueFactory = _ => 1.0 };
        var runs = new Option<int>("--runs") { Description = "Timed runs per network after one warm-up; the median is printed (default 5).", DefaultValueFactory = _ => 5 };
        var command = new Command("time", "CPU time of each analysis network on one image (median of several runs).")
        {
            Options = { image, megapixels, runs },
        };
        command.SetAction(parseResult =>
        {
            var store = ModelsCommand.OpenStore(parseResult);
            var path = parseResult.GetValue(image) ?? Path.Combine(store.ModelsDirectory, "evaluation", "photos", "astronaut.png");
            var source = RgbImage.Load(path);
            var factor = Math.Sqrt(parseResult.GetValue(megapixels) * 1e6 / (source.Width * source.Height));
            var photo = Resampler.Resize(source, (int)Math.Round(source.Width * factor), (int)Math.Round(source.Height * factor), Resampler.Kernel.Lanczos3);
            var count = Math.Max(1, parseResult.GetValue(runs));
            Console.WriteLine($"{Path.GetFileName(path)} resized to {photo.Width}x{photo.Height} ({photo.Width * photo.Height / 1e6:F2} MP); " +
                $"{Environment.ProcessorCount} CPU threads; median of {count} runs after a warm-up");
            try
            {
                using var features = new DeepFeatureDistance(store.ModelsDirectory);
                Time("mobilenet-v2-features: one image's features (a distance needs two; the original's are reused)", count, () => features.Features(photo));
                using var detector = new FaceDetector(store.ModelsDirectory);
                var faces = detector.Detect(photo);
                Time($"face-detector-tiny: boxes at {detector.Options.InputSize}x{detector.Options.InputSize}", count, () => detector.DetectBoxes(photo));
                Time($"face detection with 68 landmarks ({faces.Count} face(s))", count, () => detector.Detect(photo));
                using var recognizer = new FaceRecognizer(store.ModelsDirectory);
                if (faces.Count > 0)
                {
                    Time("face-recognition: one face's descriptor", count, () => recognizer.Describe(photo, faces[0].AlignedBox));
                    using var drift = new FaceIdentityDrift(detector, recognizer);
                    Time("identity drift, whole (detect + describe original and result)", count, () => drift.Measure(Copy(photo), photo));
                }
                return 0;
            }
            catch (ModelImportException error)
            {
                Console.Error.WriteLine(error.Message);
                return 1;
            }
        });
        return command;
    }

    // A new instance so the drift metric's per-original cache does not hide the detection cost.
    private static RgbImage Copy(RgbImage image) => new(image.Width, image.Height, image.Planes);

    /// <summary>Prints the median wall time and the median CPU time of the process (all ONNX Runtime threads):
    /// on a shared machine the CPU time is the steadier figure.</summary>
    private static void Time(string what, int runs, Action action)
    {
        var (wall, cpu) = MedianTiming.Measure(runs, action);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{wall,8:F1} ms wall {cpu,8:F1} ms CPU  {what}"));
    }
}
