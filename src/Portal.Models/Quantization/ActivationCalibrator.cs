using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;
using Portal.Models.Evaluation;

namespace Portal.Models.Quantization;

/// <summary>
/// Runs the float model on calibration tiles and records the range of every activation that will
/// be quantized. With a percentile below 1, each tile contributes its clipped range (the rare
/// extreme values would otherwise stretch the uint8 grid for everything else) and the ranges are
/// averaged over tiles; at 1 it is the plain minimum and maximum over all tiles.
/// </summary>
internal static class ActivationCalibrator
{
    /// <param name="rootMeanSquares">When given, filled with each tensor's root mean square over all tiles (how large its typical value is, beside its range).</param>
    public static Dictionary<string, (float Min, float Max)> Calibrate(
        FloatModel floatModel, IReadOnlyList<string> tensors, IReadOnlyList<RgbImage> tiles, double percentile, Dictionary<string, double>? rootMeanSquares = null)
    {
        if (tiles.Count == 0)
        {
            throw new ArgumentException("Calibration needs at least one image tile.", nameof(tiles));
        }
        var calibrationModel = QdqQuantizer.CalibrationModel(floatModel, tensors);
        using var options = new SessionOptions { IntraOpNumThreads = Environment.ProcessorCount };
        using var session = new InferenceSession(calibrationModel, options);
        var sums = tensors.ToDictionary(t => t, _ => (Min: 0.0, Max: 0.0), StringComparer.Ordinal);
        var extremes = tensors.ToDictionary(t => t, _ => (Min: float.MaxValue, Max: float.MinValue), StringComparer.Ordinal);
        var squares = tensors.ToDictionary(t => t, _ => (Sum: 0.0, Count: 0L), StringComparer.Ordinal);
        foreach (var tile in tiles)
        {
            var input = new DenseTensor<float>(tile.Planes, [1, 3, tile.Height, tile.Width]);
            using var results = session.Run([NamedOnnxValue.CreateFromTensor("input", input)], tensors);
            foreach (var result in results)
            {
                var values = ((DenseTensor<float>)result.AsTensor<float>()).Buffer.Span;
                var (min, max) = percentile >= 1 ? MinMax(values) : PercentileRange(values, percentile);
                var square = squares[result.Name];
                squares[result.Name] = (square.Sum + SumOfSquares(values), square.Count + values.Length);
                var sum = sums[result.Name];
                sums[result.Name] = (sum.Min + min, sum.Max + max);
                var extreme = extremes[result.Name];
                extremes[result.Name] = (Math.Min(extreme.Min, min), Math.Max(extreme.Max, max));
            }
        }
        foreach (var (tensor, square) in squares)
        {
            rootMeanSquares?.Add(tensor, square.Count == 0 ? 0 : Math.Sqrt(square.Sum / square.Count));
        }
        return percentile >= 1
            ? extremes
            : sums.ToDictionary(p => p.Key, p => ((float)(p.Value.Min / tiles.Count), (float)(p.Value.Max / tiles.Count)), StringComparer.Ordinal);
    }

    private static double SumOfSquares(ReadOnlySpan<float> values)
    {
        var sum = 0.0;
        foreach (var v in values)
        {
            sum += (double)v * v;
        }
        return sum;
    }

    private static (float Min, float Max) MinMax(ReadOnlySpan<float> values)
    {
        float min = float.MaxValue, max = float.MinValue;
        foreach (var v in values)
        {
            min = Math.Min(min, v);
            max = Math.Max(max, v);
        }
        return (min, max);
    }

    private static (float Min, float Max) PercentileRange(ReadOnlySpan<float> values, double percentile)
    {
        var sorted = values.ToArray();
        Array.Sort(sorted);
        var cut = (int)Math.Floor((sorted.Length - 1) * (1 - percentile));
        return (sorted[cut], sorted[sorted.Length - 1 - cut]);
    }
}
