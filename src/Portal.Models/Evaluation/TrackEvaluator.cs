using System.Diagnostics;
using Portal.Models.Evaluation.Metrics;

namespace Portal.Models.Evaluation;

/// <summary>
/// Measures methods on the clean track and the real-world tracks with every metric: the same
/// originals, the same crops, the same seeded degradations, so two runs agree to the last digit
/// (timings aside).
/// </summary>
public sealed class TrackEvaluator(IReadOnlyList<IQualityMetric> metrics, Action<string>? log = null)
{
    /// <summary>The row of the originals themselves: what a no-reference metric says of a clean photo.</summary>
    public const string Original = "original";

    /// <summary>Called with every output, e.g. to cut picture crops: method, track, image, model input, output.</summary>
    public Action<string, EvaluationTrack, EvaluationImage, RgbImage, RgbImage>? OnOutput { get; init; }

    /// <summary>Called with everything measured so far after the resamplers and after each model, so a long run can publish as it goes.</summary>
    public Action<IReadOnlyList<MethodScores>>? OnProgress { get; init; }

    public IReadOnlyList<MethodScores> Evaluate(
        IReadOnlyList<EvaluationImage> images,
        int scale,
        IReadOnlyList<EvaluationTrack> tracks,
        IReadOnlyList<(string Name, string Path)> models,
        CancellationToken cancellationToken)
    {
        var originals = images.Select(i => i with { Image = ModelEvaluator.CropToMultiple(i.Image, scale) }).ToList();
        var inputs = tracks.ToDictionary(t => t, t => originals.Select(o => t.MakeInput(o, scale)).ToList());
        var results = new List<MethodScores>();
        var originalScores = Measure(Original, scale, EvaluationTrack.Clean, originals, originals.Select(o => o.Image).ToList(), null, referenceless: true);
        foreach (var track in tracks)
        {
            log?.Invoke($"x{scale} {track.ToString().ToLowerInvariant()}: resamplers on {originals.Count} image(s)...");
            results.Add(originalScores with { Track = track });
            foreach (var (name, kernel) in new[] { (ModelEvaluator.Bicubic, Resampler.Kernel.Bicubic), (ModelEvaluator.Lanczos3, Resampler.Kernel.Lanczos3) })
            {
                var outputs = inputs[track].Select(i => Resampler.Resize(i, i.Width * scale, i.Height * scale, kernel)).ToList();
                Report(name, track, originals, inputs[track], outputs);
                results.Add(Measure(name, scale, track, originals, outputs, null));
            }
        }
        OnProgress?.Invoke(results);
        foreach (var (name, path) in models)
        {
            cancellationToken.ThrowIfCancellationRequested();
            using var upscaler = new OnnxUpscaler(path);
            upscaler.Upscale(new RgbImage(8, 8, new float[3 * 64])); // warm-up: session set-up is not inference time
            foreach (var track in tracks)
            {
                log?.Invoke($"x{scale} {track.ToString().ToLowerInvariant()}: running {name} on {originals.Count} image(s)...");
                var stopwatch = Stopwatch.StartNew();
                var outputs = new List<RgbImage>();
                foreach (var input in inputs[track])
                {
                    cancellationToken.ThrowIfCancellationRequested();
                    outputs.Add(upscaler.Upscale(input));
                }
                stopwatch.Stop();
                var megapixels = inputs[track].Sum(i => i.Width * i.Height) / 1e6;
                Report(name, track, originals, inputs[track], outputs);
                results.Add(Measure(name, scale, track, originals, outputs, stopwatch.Elapsed.TotalSeconds / megapixels));
            }
            OnProgress?.Invoke(results);
        }
        return results;
    }

    private void Report(string method, EvaluationTrack track, List<EvaluationImage> originals, List<RgbImage> inputs, List<RgbImage> outputs)
    {
        for (var i = 0; i < originals.Count; i++)
        {
            OnOutput?.Invoke(method, track, originals[i], inputs[i], outputs[i]);
        }
    }

    private MethodScores Measure(
        string method, int scale, EvaluationTrack track, List<EvaluationImage> originals, List<RgbImage> outputs, double? secondsPerMegapixel, bool referenceless = false)
    {
        var perImage = new Dictionary<string, IReadOnlyList<double?>>();
        var means = new Dictionary<string, double>();
        foreach (var metric in metrics)
        {
            if (referenceless && metric.NeedsReference)
            {
                continue;
            }
            var values = new List<double?>();
            for (var i = 0; i < originals.Count; i++)
            {
                // Clamp and round first: every method is judged on the 8-bit picture a person would download.
                var sample = new MetricSample(outputs[i].Quantized(), metric.NeedsReference ? originals[i].Image : null, scale, originals[i].Name);
                try
                {
                    values.Add(metric.Measure(sample));
                }
                catch (Exception error) when (error is ArgumentException or InvalidOperationException)
                {
                    log?.Invoke($"{metric.Id} could not score {method} on {originals[i].Name}: {error.Message}");
                    values.Add(null);
                }
            }
            perImage[metric.Id] = values;
            if (values.Any(v => v is not null))
            {
                means[metric.Id] = values.OfType<double>().Average();
            }
        }
        return new MethodScores(method, scale, track, means, perImage, secondsPerMegapixel);
    }
}
