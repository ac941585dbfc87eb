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
        string? cropsPath, CancellationToken cancellationToken)
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
        var modelsDirectory = Path.Combine(root, "models");
        using var features = new DeepFeatureDistance(modelsDirectory);
        using var faces = new FaceIdentityDrift(modelsDirectory);
        IQualityMetric[] metrics = [new PsnrY(), new SsimY(), features, faces];
        var crops = new List<(string Method, EvaluationTrack Track, RgbImage Input, RgbImage Output, RgbImage Original)>();
        var evaluator = new TrackEvaluator(metrics, Console.Error.WriteLine)
        {
            OnOutput = cropsPath is null ? null : (method, track, original, input, output) =>
            {
                if (original.Name == images[0].Name)
                {
                    crops.Add((method, track, input, output.Quantized(), original.Image));
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
        if (cropsPath is not null && crops.Count > 0)
        {
            // One row per track: the input nearest-upscaled, each method, the original; a 128 px window at the top centre (the astronaut's face).
            var rows = tracks.Select(track =>
            {
                var ofTrack = crops.Where(c => c.Track == track).ToList();
                var tiles = new List<RgbImage> { Window(Preview.Nearest(ofTrack[0].Input, scale)) };
                tiles.AddRange(ofTrack.Select(c => Window(c.Output)));
                tiles.Add(Window(ofTrack[0].Original));
                return Preview.SideBySide(tiles);
            }).ToList();
            Preview.Stack(rows).Save(cropsPath);
            Console.WriteLine($"Crops of {images[0].Name} (per track: input nearest-upscaled, {string.Join(", ", crops.Where(c => c.Track == tracks[0]).Select(c => c.Method))}, original): {cropsPath}");
        }
        return 0;
    }

    private static RgbImage Window(RgbImage image)
    {
        var size = Math.Min(128, Math.Min(image.Width, image.Height));
        return Portal.Training.Data.TrainingPairs.Crop(image, (image.Width - size) / 2, 0, size, size);
    }
}
