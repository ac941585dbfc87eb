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

    /// <summary>
    /// Extra rows per model: the model run again on inputs passed through a filter first (e.g. a JPEG
    /// deblocking), named "model + suffix". A filter returns null where it does not apply to a track.
    /// </summary>
    public IReadOnlyList<(string Suffix, Func<RgbImage, EvaluationTrack, RgbImage?> Prepare)> InputFilters { get; init; } = [];

    /// <summary>The models the <see cref="InputFilters"/> apply to; empty means every model.</summary>
    public IReadOnlySet<string> FilteredModels { get; init; } = new HashSet<string>();

    /// <summary>Extra rows mixing two measured methods' outputs pixel by pixel: weight x first + (1 - weight) x second.</summary>
    public IReadOnlyList<(string First, string Second, double Weight)> Blends { get; init; } = [];

    /// <summary>
    /// Rows made by a whole pipeline rather than a bare network, measured before the networks: e.g. the engine
    /// itself, handed the track's input as the file a person would upload. Each gets the original (cropped to
    /// a multiple of the scale) and the track, and returns the upscaled result.
    /// </summary>
    public IReadOnlyList<(string Name, Func<EvaluationImage, EvaluationTrack, RgbImage> Run)> Pipelines { get; init; } = [];

    /// <summary>The row name of what the engine serves for a lineup cell, e.g. "photo x4 Ultra, as served".</summary>
    public static string Served(ContentType content, int scale, QualityLevel level) =>
        string.Create(System.Globalization.CultureInfo.InvariantCulture, $"{content.ToString().ToLowerInvariant()} x{scale} {level}, as served");

    /// <summary>
    /// The row name of what the engine would serve if a candidate were placed for compressed or noisy inputs in a cell,
    /// e.g. "photo x2 Balanced, degraded: realesrgan-x4fast-x4 (candidate)".
    /// </summary>
    public static string Candidate(ContentType content, int scale, QualityLevel level, string candidate) =>
        string.Create(System.Globalization.CultureInfo.InvariantCulture, $"{content.ToString().ToLowerInvariant()} x{scale} {level}, degraded: {candidate} (candidate)");

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
        foreach (var (name, run) in Pipelines)
        {
            foreach (var track in tracks)
            {
                cancellationToken.ThrowIfCancellationRequested();
                log?.Invoke($"x{scale} {track.ToString().ToLowerInvariant()}: running {name} on {originals.Count} image(s)...");
                var stopwatch = Stopwatch.StartNew();
                var outputs = new List<RgbImage>();
                foreach (var original in originals)
                {
                    cancellationToken.ThrowIfCancellationRequested();
                    var output = run(original, track);
                    if (output.Width != original.Image.Width || output.Height != original.Image.Height)
                    {
                        throw new InvalidOperationException($"{name} returned {output.Width}x{output.Height} for {original.Name}; the original is {original.Image.Width}x{original.Image.Height}.");
                    }
                    outputs.Add(output);
                }
                stopwatch.Stop();
                Report(name, track, originals, inputs[track], outputs);
                results.Add(Measure(name, scale, track, originals, outputs, stopwatch.Elapsed.TotalSeconds / (inputs[track].Sum(i => i.Width * i.Height) / 1e6)));
            }
            OnProgress?.Invoke(results);
        }
        var kept = new Dictionary<(string, EvaluationTrack), List<RgbImage>>();
        var blended = Blends.SelectMany(b => new[] { b.First, b.Second }).ToHashSet(StringComparer.Ordinal);
        foreach (var (name, path) in models)
        {
            cancellationToken.ThrowIfCancellationRequested();
            using var upscaler = new OnnxUpscaler(path);
            upscaler.Upscale(new RgbImage(8, 8, new float[3 * 64])); // warm-up: session set-up is not inference time
            var variants = new List<(string Name, Func<RgbImage, EvaluationTrack, RgbImage?>? Prepare)> { (name, null) };
            if (FilteredModels.Count == 0 || FilteredModels.Contains(name))
            {
                variants.AddRange(InputFilters.Select(f => ($"{name} + {f.Suffix}", (Func<RgbImage, EvaluationTrack, RgbImage?>?)f.Prepare)));
            }
            foreach (var (variant, prepare) in variants)
            {
                foreach (var track in tracks)
                {
                    var maybe = prepare is null ? inputs[track].ToList<RgbImage?>() : inputs[track].Select(i => prepare(i, track)).ToList();
                    if (maybe.Any(i => i is null))
                    {
                        continue;
                    }
                    var prepared = maybe.OfType<RgbImage>().ToList();
                    log?.Invoke($"x{scale} {track.ToString().ToLowerInvariant()}: running {variant} on {originals.Count} image(s)...");
                    var stopwatch = Stopwatch.StartNew();
                    var outputs = new List<RgbImage>();
                    foreach (var input in prepared)
                    {
                        cancellationToken.ThrowIfCancellationRequested();
                        outputs.Add(upscaler.Upscale(input));
                    }
                    stopwatch.Stop();
                    var megapixels = inputs[track].Sum(i => i.Width * i.Height) / 1e6;
                    Report(variant, track, originals, inputs[track], outputs);
                    results.Add(Measure(variant, scale, track, originals, outputs, stopwatch.Elapsed.TotalSeconds / megapixels));
                    if (blended.Contains(variant))
                    {
                        kept[(variant, track)] = outputs;
                    }
                }
            }
            OnProgress?.Invoke(results);
        }
        foreach (var (first, second, weight) in Blends)
        {
            foreach (var track in tracks)
            {
                if (!kept.TryGetValue((first, track), out var a) || !kept.TryGetValue((second, track), out var b))
                {
                    continue;
                }
                var name = string.Create(System.Globalization.CultureInfo.InvariantCulture, $"{weight:0.##} {first} + {1 - weight:0.##} {second}");
                var outputs = a.Zip(b, (x, y) => Blend(x, y, (float)weight)).ToList();
                Report(name, track, originals, inputs[track], outputs);
                results.Add(Measure(name, scale, track, originals, outputs, null));
            }
        }
        if (Blends.Count > 0)
        {
            OnProgress?.Invoke(results);
        }
        return results;
    }

    private static RgbImage Blend(RgbImage a, RgbImage b, float weight)
    {
        var planes = new float[a.Planes.Length];
        for (var i = 0; i < planes.Length; i++)
        {
            planes[i] = (weight * a.Planes[i]) + ((1 - weight) * b.Planes[i]);
        }
        return new RgbImage(a.Width, a.Height, planes);
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
