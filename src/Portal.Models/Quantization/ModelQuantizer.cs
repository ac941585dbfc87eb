using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;
using Portal.Models.Evaluation;

namespace Portal.Models.Quantization;

/// <summary>The int8 model and what it took to stay close to the float one.</summary>
/// <param name="FloatConvs">Convolutions left in float because quantizing them cost the most accuracy.</param>
/// <param name="CalibrationPsnr">PSNR of the int8 output against the float output on the calibration tiles (unrounded, RGB).</param>
public sealed record QuantizedModel(byte[] Onnx, int IntegerConvs, IReadOnlyList<string> FloatConvs, double CalibrationPsnr);

/// <summary>
/// Makes the int8 variant of a converted model: calibrates activation ranges on image tiles,
/// writes the QDQ graph, and if the result strays further from the float model than the target
/// allows, measures how much each convolution alone costs and leaves the worst ones in float
/// until the target is met. Deterministic for the same model, tiles and options.
/// </summary>
public static class ModelQuantizer
{
    /// <summary>Side of the square calibration tiles: large enough for real image structure, small enough that every activation of the deepest model fits in memory at once.</summary>
    public const int CalibrationTileSize = 96;

    public static QuantizedModel Quantize(byte[] floatModel, IReadOnlyList<RgbImage> calibrationImages, QuantizationOptions options, Action<string>? log = null)
    {
        var tiles = calibrationImages.SelectMany(image => Tiles(image, CalibrationTileSize)).ToList();
        // The equalized model computes the same function; the accuracy checks below still compare with the model as given.
        var source = new FloatModel(Equalize(floatModel, tiles, options.Equalization, log));
        // Checked before the long calibration: a mistyped name should fail in seconds, not after it.
        var quantizable = QdqQuantizer.QuantizableConvs(source, options).Select(c => c.Name).ToList();
        var kept = KeptInFloat(options, quantizable);
        var tensors = QdqQuantizer.ActivationsToQuantize(source, options);
        log?.Invoke($"Calibrating {tensors.Count} activations on {tiles.Count} tiles of {CalibrationTileSize} px...");
        var rootMeanSquares = new Dictionary<string, double>(StringComparer.Ordinal);
        var ranges = ActivationCalibrator.Calibrate(source, tensors, tiles, options.Percentile, rootMeanSquares);
        var coarsest = Coarseness(source, ranges, rootMeanSquares, options, quantizable.Where(c => !kept.Contains(c)).ToList(), kept);
        log?.Invoke("Coarsest uint8 grids (step / RMS of the conv's input or output): "
            + string.Join(", ", coarsest.Take(8).Select(c => string.Create(System.Globalization.CultureInfo.InvariantCulture, $"{c.Conv} {c.StepOverRms:F3}"))));
        kept.UnionWith(coarsest.Take(options.KeepCoarsest).Select(c => c.Conv));

        // The accuracy check runs on a spread of the calibration tiles: enough to rank layers, cheap enough to repeat.
        var checkTiles = tiles.Where((_, i) => i % Math.Max(1, tiles.Count / 6) == 0).Take(6).ToList();
        var reference = Run(floatModel, checkTiles);
        var convs = quantizable.Where(c => !kept.Contains(c)).ToList();
        var model = QdqQuantizer.Quantize(source, ranges, options, kept);
        var psnr = Psnr(reference, Run(model, checkTiles));
        log?.Invoke(kept.Count == 0
            ? $"All {convs.Count} convolutions in int8: {psnr:F2} dB against float32 (target {options.TargetPsnr:F1} dB)."
            : $"{convs.Count} convolutions in int8, {kept.Count} kept in float ({string.Join(", ", kept.Order(StringComparer.Ordinal))}): {psnr:F2} dB against float32 (target {options.TargetPsnr:F1} dB).");
        if (psnr >= options.TargetPsnr)
        {
            return new QuantizedModel(model, convs.Count, [.. kept.Order(StringComparer.Ordinal)], psnr);
        }

        // Ranking only needs the order, so it runs on two small crops; the checks below use the full tiles.
        var rankTiles = checkTiles.Take(2).Select(t => Crop(t, 0, 0, Math.Min(64, t.Width), Math.Min(64, t.Height))).ToList();
        var rankReference = Run(floatModel, rankTiles);
        log?.Invoke($"Measuring each of the {convs.Count} convolutions' cost alone...");
        var cost = new Dictionary<string, double>(StringComparer.Ordinal);
        foreach (var conv in convs)
        {
            var single = QdqQuantizer.Quantize(source, ranges, options, quantizable.Where(c => c != conv).ToHashSet(StringComparer.Ordinal));
            cost[conv] = MeanSquaredError(rankReference, Run(single, rankTiles));
        }
        var ranked = convs.OrderByDescending(c => cost[c]).ThenBy(c => c, StringComparer.Ordinal).ToList();

        // Leave the costliest 1, 2, 4, ... convolutions in float until the target is met, then
        // narrow down between the last miss and the first hit.
        (byte[] Model, double Psnr) Try(int count)
        {
            var candidate = QdqQuantizer.Quantize(source, ranges, options, ranked.Take(count).Concat(kept).ToHashSet(StringComparer.Ordinal));
            var result = Psnr(reference, Run(candidate, checkTiles));
            log?.Invoke($"{count} convolution(s) in float ({string.Join(", ", ranked.Take(Math.Min(count, 4)))}{(count > 4 ? ", ..." : "")}): {result:F2} dB.");
            return (candidate, result);
        }
        int miss = 0, hit = ranked.Count;
        (byte[] Model, double Psnr) best = (QdqQuantizer.Quantize(source, ranges, options, quantizable.ToHashSet(StringComparer.Ordinal)), 100);
        for (var count = 1; count < ranked.Count; count *= 2)
        {
            var attempt = Try(count);
            if (attempt.Psnr >= options.TargetPsnr)
            {
                (hit, best) = (count, attempt);
                break;
            }
            miss = count;
        }
        while (hit - miss > 1)
        {
            var middle = (miss + hit) / 2;
            var attempt = Try(middle);
            if (attempt.Psnr >= options.TargetPsnr)
            {
                (hit, best) = (middle, attempt);
            }
            else
            {
                miss = middle;
            }
        }
        (model, psnr) = best;
        var searched = ranked.Take(hit).ToHashSet(StringComparer.Ordinal);
        return new QuantizedModel(model, convs.Count - searched.Count, [.. kept.Order(StringComparer.Ordinal), .. ranked.Where(searched.Contains)], psnr);
    }

    /// <summary>
    /// The float model with its channels balanced as <c>--equalize</c> does before quantizing (the same function, other
    /// weights), tiled from the calibration images as the quantizer tiles them; a quantization-aware run starts from it.
    /// </summary>
    public static byte[] Equalize(byte[] floatModel, IReadOnlyList<RgbImage> calibrationImages, Equalization equalization, Action<string>? log = null) =>
        Equalize(floatModel, calibrationImages.SelectMany(image => Tiles(image, CalibrationTileSize)).ToList(), equalization, log);

    private static byte[] Equalize(byte[] floatModel, List<RgbImage> tiles, Equalization equalization, Action<string>? log) => equalization switch
    {
        Equalization.Weights => CrossLayerEqualizer.Equalize(floatModel, null, log),
        Equalization.Activations => CrossLayerEqualizer.Equalize(floatModel, tiles, log),
        _ => floatModel,
    };

    /// <summary>The convolutions the options name to keep in float; a name that is not a quantizable convolution of this model is an error, not a silent no-op.</summary>
    private static HashSet<string> KeptInFloat(QuantizationOptions options, IReadOnlyList<string> quantizable)
    {
        var kept = (options.KeepFloat ?? []).ToHashSet(StringComparer.Ordinal);
        var unknown = kept.Where(name => !quantizable.Contains(name, StringComparer.Ordinal)).Order(StringComparer.Ordinal).ToList();
        if (unknown.Count > 0)
        {
            throw new ArgumentException(
                $"Cannot keep {string.Join(", ", unknown)} in float: not a quantizable convolution of this model ({(quantizable.Count == 0 ? "it has none" : $"it has {quantizable.Count}, from {quantizable[0]} to {quantizable[^1]}")}).",
                nameof(options));
        }
        return kept;
    }

    /// <summary>
    /// Each convolution's coarsest quantization step relative to the typical size of what it rounds: the uint8 step
    /// of its input and of its (activated) output over that tensor's RMS on the calibration tiles, the larger of the
    /// two; coarsest first. A wide range set by rare outliers makes the step large next to the values that matter.
    /// </summary>
    internal static List<(string Conv, double StepOverRms)> Coarseness(FloatModel source, IReadOnlyDictionary<string, (float Min, float Max)> ranges,
        IReadOnlyDictionary<string, double> rootMeanSquares, QuantizationOptions options, IReadOnlyList<string> candidates, IReadOnlySet<string> kept)
    {
        var (effective, _) = QdqQuantizer.EffectiveRanges(source, ranges, options, kept);
        double StepOverRms(string tensor) =>
            effective.TryGetValue(tensor, out var range) && rootMeanSquares.TryGetValue(tensor, out var rms) && rms > 0
                ? (Math.Max(range.Max, 0) - Math.Min(range.Min, 0)) / 255.0 / rms
                : 0;
        var nodes = source.Graph.Nodes.Where(n => n.OpType == "Conv").ToDictionary(n => n.Name, StringComparer.Ordinal);
        return [.. candidates
            .Select(c => (Conv: c, StepOverRms: Math.Max(StepOverRms(nodes[c].Inputs[0]), StepOverRms(QdqQuantizer.ActivatedOutput(nodes[c], source.Consumers)))))
            .OrderByDescending(c => c.StepOverRms).ThenBy(c => c.Conv, StringComparer.Ordinal)];
    }

    /// <summary>Non-overlapping tiles covering the image (at least one, edge tiles shifted inward).</summary>
    public static IEnumerable<RgbImage> Tiles(RgbImage image, int size)
    {
        var width = Math.Min(size, image.Width);
        var height = Math.Min(size, image.Height);
        for (var y = 0; y < image.Height; y += height)
        {
            for (var x = 0; x < image.Width; x += width)
            {
                yield return Crop(image, Math.Min(x, image.Width - width), Math.Min(y, image.Height - height), width, height);
            }
        }
    }

    public static RgbImage Crop(RgbImage image, int left, int top, int width, int height)
    {
        var planes = new float[3 * width * height];
        var sourceArea = image.Width * image.Height;
        for (var c = 0; c < 3; c++)
        {
            for (var y = 0; y < height; y++)
            {
                Array.Copy(image.Planes, c * sourceArea + (top + y) * image.Width + left, planes, (c * height + y) * width, width);
            }
        }
        return new RgbImage(width, height, planes);
    }

    private static List<float[]> Run(byte[] model, List<RgbImage> tiles)
    {
        using var options = new SessionOptions { IntraOpNumThreads = Environment.ProcessorCount };
        using var session = new InferenceSession(model, options);
        return tiles.Select(tile =>
        {
            var input = new DenseTensor<float>(tile.Planes, [1, 3, tile.Height, tile.Width]);
            using var results = session.Run([NamedOnnxValue.CreateFromTensor("input", input)]);
            return results[0].AsTensor<float>().ToArray();
        }).ToList();
    }

    private static double MeanSquaredError(List<float[]> expected, List<float[]> actual)
    {
        double sum = 0;
        long count = 0;
        for (var t = 0; t < expected.Count; t++)
        {
            for (var i = 0; i < expected[t].Length; i++)
            {
                var d = expected[t][i] - actual[t][i];
                sum += d * d;
            }
            count += expected[t].Length;
        }
        return sum / count;
    }

    private static double Psnr(List<float[]> expected, List<float[]> actual)
    {
        var mse = MeanSquaredError(expected, actual);
        return mse == 0 ? 100 : 10 * Math.Log10(1.0 / mse);
    }
}
