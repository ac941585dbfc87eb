using System.CommandLine;
using System.Globalization;
using Portal.Models.Degradation;
using Portal.Models.Evaluation;
using Portal.Models.Evaluation.Metrics;
using Portal.Training;
using Portal.Training.Data;

namespace Portal.Cli;

/// <summary>
/// <c>train evaluate</c>: PSNR-Y and SSIM on a domain's held-out images, clean (bicubic shrink) and
/// JPEG (the same shrink saved as JPEG), for bicubic, lanczos3, every installed model of the scale
/// and the models given; optionally a picture of the same crop from each.
/// </summary>
internal static class EvaluateTextCommand
{
    public static Command Create()
    {
        var domain = new Option<string>("--domain") { Description = "Data domain whose held-out split to use.", DefaultValueFactory = _ => "text" };
        var models = new Option<string[]>("--model") { Description = "Extra ONNX models to measure (repeatable)." };
        var scale = new Option<int>("--scale") { Description = "Scale to measure.", DefaultValueFactory = _ => 2 };
        var quality = new Option<int>("--jpeg-quality") { Description = "JPEG quality of the compressed track.", DefaultValueFactory = _ => 75 };
        var crops = new Option<string?>("--crops") { Description = "Write a PNG of the same crop from every method (one row per track) here." };
        var cropSpecs = new Option<string[]>("--crop")
        {
            Description = "The window the --crops picture shows, as label:image.png:left,top,size in the original's pixels (repeatable; several write FILE-LABEL.png). "
                + "Default: the top left 120x80 of the first held-out page, or with --tracks the top centre 128 px of the first image.",
        };
        var data = new Option<string?>("--data") { Description = "Data folder (default: data/ in the repository)." };
        var deepFeatures = new Option<bool>("--deep-features") { Description = "Also the deep-feature distance on both tracks (the shipping rule's perceptual measure; a few minutes more)." };
        var onlyGiven = new Option<bool>("--only-given") { Description = "Measure only the --model files beside bicubic and lanczos3, not every installed model." };
        var tracks = new Option<string[]>("--tracks")
        {
            Description = "Instead of the held-out pages: the evaluation images' seeded real-world tracks (light, medium, heavy, clean or all) with PSNR-Y, "
                + "SSIM-Y, deep-feature distance and face drift, for the --model files only.",
            AllowMultipleArgumentsPerToken = true,
        };
        var images = new Option<string?>("--images") { Description = "With --tracks: the image folder (default: models/evaluation/photos)." };
        var draws = new Option<int>("--draws")
        {
            Description = "With --tracks: degrade every image this many times with different seeds and average (the first draw is the usual one); "
                + "on a few portraits one draw's luck moves face drift as much as two models differ.",
            DefaultValueFactory = _ => 1,
        };
        var command = new Command("evaluate", "Measure models on a domain's held-out images, clean and JPEG, beside bicubic and lanczos3.")
        {
            Options = { domain, models, scale, quality, crops, cropSpecs, data, onlyGiven, deepFeatures, tracks, images, draws },
        };
        command.SetAction((parseResult, cancellationToken) =>
        {
            var root = RepositoryRoot.Find();
            var s = parseResult.GetValue(scale);
            try
            {
                var windows = ParseCrops(parseResult.GetValue(cropSpecs) ?? []);
                if (parseResult.GetValue(tracks) is { Length: > 0 } trackNames)
                {
                    var parsed = EvaluateTracks.ParseTracks(trackNames) ?? throw new TrainingException("--tracks takes clean, light, medium, heavy or all.");
                    if (parseResult.GetValue(draws) < 1)
                    {
                        throw new TrainingException("--draws takes a whole number from 1.");
                    }
                    return Task.FromResult(EvaluateTrainedTracks.Run(root, parseResult.GetValue(images) ?? Path.Combine(root, "models", "evaluation", "photos"), s, parsed,
                        parseResult.GetValue(models) ?? [], parseResult.GetValue(crops), windows, cancellationToken, parseResult.GetValue(draws)));
                }
                var pages = TrainingPairs.SetFiles(parseResult.GetValue(data) ?? Path.Combine(root, "data"), parseResult.GetValue(domain)!, "heldout")
                    .Select(f => new EvaluationImage(Path.GetFileName(f), ModelEvaluator.CropToMultiple(RgbImage.Load(f), s))).ToList();
                var originals = pages.Select(p => p.Image).ToList();
                // Default window: the first page's top left, where its glyphs are.
                var sheets = EvaluateTrainedTracks.ComparisonSheets(pages, s,
                    windows.Count > 0 || parseResult.GetValue(crops) is null ? windows : [new CropSpec("text", pages[0].Name, 0, 0, 120 / s * s)], parseResult.GetValue(crops));
                var jpegTrack = $"JPEG q{parseResult.GetValue(quality)}";
                var clean = originals.Select(o => Resampler.Resize(o, o.Width / s, o.Height / s, Resampler.Kernel.Bicubic).Quantized()).ToList();
                var jpeg = clean.Select(c => Degrader.Jpeg(c, parseResult.GetValue(quality)).Quantized()).ToList();
                var store = Portal.Models.ModelStore.ForRepository(root, Console.WriteLine);
                var candidates = store.Manifest.Models.Where(m => m.Scale == s && store.IsInstalled(m) && !parseResult.GetValue(onlyGiven)).Select(m => (m.Id, store.PathOf(m)))
                    .Concat((parseResult.GetValue(models) ?? []).Select(p => (Path.GetFileNameWithoutExtension(p), p))).ToList();
                var methods = new List<(string Name, Func<RgbImage, RgbImage> Run, IDisposable? Owner)>
                {
                    ("bicubic", i => Resampler.Resize(i, i.Width * s, i.Height * s, Resampler.Kernel.Bicubic), null),
                    ("lanczos3", i => Resampler.Resize(i, i.Width * s, i.Height * s, Resampler.Kernel.Lanczos3), null),
                };
                foreach (var (name, path) in candidates)
                {
                    var upscaler = new OnnxUpscaler(path);
                    methods.Add((name, upscaler.Upscale, upscaler));
                }
                using var features = parseResult.GetValue(deepFeatures) ? new DeepFeatureDistance(Path.Combine(root, "models")) : null;
                var featureColumns = features is null ? ("", "", "") : (" deep-feature dist. clean ↓ |", $" deep-feature dist. JPEG q{parseResult.GetValue(quality)} ↓ |", "---:|");
                Console.WriteLine($"| method | PSNR-Y clean (dB) | SSIM clean |{featureColumns.Item1} PSNR-Y JPEG q{parseResult.GetValue(quality)} (dB) | SSIM JPEG |{featureColumns.Item2}");
                Console.WriteLine($"|---|---:|---:|{featureColumns.Item3}---:|---:|{featureColumns.Item3}");
                foreach (var (name, run, _) in methods)
                {
                    cancellationToken.ThrowIfCancellationRequested();
                    var cleanOut = clean.Select(i => run(i).Quantized()).ToList();
                    var jpegOut = jpeg.Select(i => run(i).Quantized()).ToList();
                    double Psnr(List<RgbImage> outs) => outs.Select((o, i) => ImageQuality.Psnr(originals[i], o, s)).Average();
                    double Ssim(List<RgbImage> outs) => outs.Select((o, i) => ImageQuality.Ssim(originals[i], o, s)).Average();
                    string Features(List<RgbImage> outs) =>
                        features is null ? "" : string.Create(CultureInfo.InvariantCulture, $" {outs.Select((o, i) => features.Measure(originals[i], o)).Average():F4} |");
                    Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                        $"| {name} | {Psnr(cleanOut):F2} | {Ssim(cleanOut):F4} |{Features(cleanOut)} {Psnr(jpegOut):F2} | {Ssim(jpegOut):F4} |{Features(jpegOut)}"));
                    // As with --tracks, the crops leave bicubic out: lanczos3 is the resampler the comparison names.
                    foreach (var (spec, sheet, _) in sheets.Where(_ => name != ModelEvaluator.Bicubic))
                    {
                        var page = pages.FindIndex(p => p.Name == spec.ImageName);
                        sheet.Add("clean", name, clean[page], cleanOut[page], originals[page]);
                        sheet.Add(jpegTrack, name, jpeg[page], jpegOut[page], originals[page]);
                    }
                }
                foreach (var (spec, sheet, file) in sheets)
                {
                    // Shown at 2x: glyph edges are a pixel or two wide.
                    sheet.Render(zoom: 2).Save(file);
                    Console.WriteLine($"Crop '{spec.Label}' of {spec.ImageName} at 2x (rows clean, {jpegTrack}; columns input nearest-upscaled, "
                        + $"{string.Join(", ", sheet.Layout[0].Methods)}, original): {file}");
                }
                foreach (var method in methods)
                {
                    method.Owner?.Dispose();
                }
                return Task.FromResult(0);
            }
            catch (TrainingException error)
            {
                Console.Error.WriteLine(error.Message);
                return Task.FromResult(2);
            }
        });
        return command;
    }

    private static List<CropSpec> ParseCrops(string[] values)
    {
        try
        {
            return values.Select(CropSpec.Parse).ToList();
        }
        catch (FormatException error)
        {
            throw new TrainingException(error.Message);
        }
    }
}
