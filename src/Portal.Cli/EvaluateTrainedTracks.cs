using System.Globalization;
using Portal.Engine.Faces;
using Portal.Models.Evaluation;
using Portal.Models.Evaluation.Metrics;
using Portal.Training;

namespace Portal.Cli;

/// <summary>
/// <c>train evaluate --tracks ...</c>: a trained model beside its starting weights on the evaluation
/// photos' seeded real-world tracks (the images no training set holds), judged by what the shipping
/// rule needs: PSNR-Y and SSIM-Y (fidelity), the deep-feature distance (perceptual) and face identity
/// drift (portraits). Model files are given by path, so a run's export is measured before it is shipped.
/// </summary>
internal static class EvaluateTrainedTracks
{
    public static int Run(string root, string imagesFolder, int scale, IReadOnlyList<EvaluationTrack> tracks, IReadOnlyList<string> modelPaths,
        string? cropsPath, IReadOnlyList<CropSpec> cropSpecs, CancellationToken cancellationToken, int draws = 1)
    {
        var missing = modelPaths.Where(p => !File.Exists(p)).ToList();
        if (missing.Count > 0)
        {
            throw new TrainingException($"Model file {missing[0]} does not exist.");
        }
        var images = EvaluationImage.LoadFolder(imagesFolder, Console.WriteLine);
        if (images.Count == 0)
        {
            throw new TrainingException($"{imagesFolder} holds no images to evaluate on.");
        }
        images = EvaluationImage.WithDraws(images, draws);
        var sheets = ComparisonSheets(images, scale, cropsPath is not null && cropSpecs.Count == 0 ? [TopCentre(images[0], scale)] : cropSpecs, cropsPath);
        var modelsDirectory = Path.Combine(root, "models");
        using var features = new DeepFeatureDistance(modelsDirectory);
        using var faces = new FaceIdentityDrift(modelsDirectory);
        IQualityMetric[] metrics = [new PsnrY(), new SsimY(), features, faces];
        var evaluator = new TrackEvaluator(metrics, Console.Error.WriteLine)
        {
            OnOutput = cropsPath is null ? null : (method, track, original, input, output) =>
            {
                // The named crops leave bicubic out: lanczos3 is the resampler the shipping comparison names.
                foreach (var (spec, sheet, _) in sheets.Where(s => s.Spec.ImageName == original.Name && method != ModelEvaluator.Bicubic))
                {
                    sheet.Add(track.ToString().ToLowerInvariant(), method, input, output, original.Image);
                }
            },
        };
        var models = modelPaths.Select(p => (Path.GetFileNameWithoutExtension(p), p)).ToList();
        var results = evaluator.Evaluate(images, scale, tracks, models, cancellationToken);
        Console.WriteLine($"Images: {string.Join(", ", images.Select(i => i.Name))} (x{scale}; face drift on the portraits only)");
        foreach (var track in tracks)
        {
            Console.WriteLine();
            Console.WriteLine($"**{track.ToString().ToLowerInvariant()}**");
            Console.WriteLine();
            Console.WriteLine("| method | PSNR-Y dB ↑ | SSIM-Y ↑ | deep-feature dist. ↓ | face drift ↓ |");
            Console.WriteLine("|---|---:|---:|---:|---:|");
            foreach (var score in results.Where(r => r.Track == track && r.Method != TrackEvaluator.Original))
            {
                string Mean(string id, string format) => score.Means.TryGetValue(id, out var v) ? v.ToString(format, CultureInfo.InvariantCulture) : "";
                Console.WriteLine($"| {score.Method} | {Mean(new PsnrY().Id, "F2")} | {Mean(new SsimY().Id, "F4")} | {Mean(features.Id, "F4")} | {Mean(faces.Id, "F4")} |");
            }
        }
        foreach (var (spec, sheet, file) in sheets)
        {
            sheet.Render().Save(file);
            Console.WriteLine($"Crop '{spec.Label}' of {spec.ImageName} (rows {string.Join(", ", sheet.Layout.Select(r => r.Track))}; "
                + $"columns input nearest-upscaled, {string.Join(", ", sheet.Layout[0].Methods)}, original): {file}");
        }
        return 0;
    }

    /// <summary>
    /// One picture per --crop, checked before the long run: the image must be in the folder and the window must fit it
    /// (after its crop to a multiple of the scale). One crop is written to the --crops file; several to FILE-LABEL.png.
    /// </summary>
    internal static List<(CropSpec Spec, ComparisonCrops Sheet, string File)> ComparisonSheets(
        IReadOnlyList<EvaluationImage> images, int scale, IReadOnlyList<CropSpec> specs, string? cropsPath)
    {
        if (specs.Count == 0)
        {
            return [];
        }
        if (cropsPath is null)
        {
            throw new TrainingException("--crop needs --crops FILE: the file the crop pictures are written to.");
        }
        var sheets = new List<(CropSpec, ComparisonCrops, string)>();
        foreach (var spec in specs)
        {
            var image = images.FirstOrDefault(i => i.Name == spec.ImageName)
                ?? throw new TrainingException($"The crop '{spec.Label}' names {spec.ImageName}, which is not among the images ({string.Join(", ", images.Select(i => i.Name))}).");
            var (width, height) = (image.Image.Width / scale * scale, image.Image.Height / scale * scale);
            if (spec.Left + spec.Size > width || spec.Top + spec.Size > height || spec.Left % scale != 0 || spec.Top % scale != 0 || spec.Size % scale != 0)
            {
                throw new TrainingException($"The crop '{spec.Label}' ({spec.Left},{spec.Top} of {spec.Size} px) must fit {spec.ImageName} ({width}x{height} at x{scale}) "
                    + $"with its edges and side on multiples of {scale}.");
            }
            var file = specs.Count == 1 ? cropsPath : Path.Combine(Path.GetDirectoryName(cropsPath) ?? "", $"{Path.GetFileNameWithoutExtension(cropsPath)}-{spec.Label}.png");
            sheets.Add((spec, new ComparisonCrops(spec.Left, spec.Top, spec.Size, spec.Size, scale), file));
        }
        return sheets;
    }

    /// <summary>The default window: 128 px at the top centre of the first image (the astronaut's face in the evaluation photos), on the scale's grid.</summary>
    private static CropSpec TopCentre(EvaluationImage image, int scale)
    {
        var (width, height) = (image.Image.Width / scale * scale, image.Image.Height / scale * scale);
        var size = Math.Min(128, Math.Min(width, height)) / scale * scale;
        return new CropSpec("top-centre", image.Name, (width - size) / 2 / scale * scale, 0, size);
    }
}
