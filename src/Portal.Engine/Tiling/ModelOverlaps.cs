using Portal.Models;

namespace Portal.Engine.Tiling;

/// <summary>
/// Context pixels each tile needs so that a tiled run stays within 50 dB PSNR of an untiled one.
/// Measured per model by OverlapMeasurement in the engine tests (see docs/BENCHMARKS.md); the
/// theoretical receptive field of the deep networks is far larger than what matters in practice.
/// </summary>
public static class ModelOverlaps
{
    // PSNR of tiled (40 px tiles) against untiled on a fur texture, by overlap:
    //   esrgan-medium-x4 (rdn):      0: 40.1, 2: 49.7, 4: 55.0, 6: 60.0, 8: 67.8 dB
    //   esrgan-legacy-gans-x4 (rrdn): 0: 34.9, 4: 47.7, 8: 56.1, 12: 64.1 dB
    //   realesr-animevideov3 (srvgg): 0: 42.7, 4: 52.6, 8: 60.3 dB
    //   esrgan-thick-x4 (rrdn):       0: 36.9, 2: 51.0, 4: 61.2, 6: 69.2 dB
    //   realesrgan-x4plus-anime-x4 (rrdbnet): 0: 22.0, 8: 28.2, 16: 34.2, 24: 40.2, 32: 46.4, 48: 66.0 dB
    //     (far wider than the others: its 23 RRDB blocks carry border effects a long way)
    //   realesrgan-x4fast-x4 (srvgg, 32 body convs, twice animevideov3's depth): 0: 35.8, 4: 42.8,
    //     8: 47.5, 12: 52.3, 16: 57.6, 24: 71.3 dB (192 px fur crop): too deep for the family's 8.
    // Each value below leaves about 10 dB of margin over the 50 dB bar.
    private static readonly Dictionary<string, int> ByFamily = new(StringComparer.OrdinalIgnoreCase)
    {
        ["rdn"] = 8,
        ["rrdn"] = 16,
        ["srvgg-compact"] = 8,
        ["rrdbnet"] = 48,
    };

    /// <summary>Models of a known family that measured differently from it.</summary>
    private static readonly Dictionary<string, int> ById = new(StringComparer.OrdinalIgnoreCase)
    {
        ["realesrgan-x4fast-x4"] = 16,
        // Trained here from x4fast: the same 32 body convs, so the same context (checked by TiledMatchesUntiled).
        ["photo-x2"] = 16,
        ["photo-x4"] = 16,
        ["text-x2"] = 16,
    };

    /// <summary>Used for an unknown family: generous, costs speed not quality.</summary>
    public const int Fallback = 32;

    /// <summary>
    /// The overlap for a model as it runs. An int8 variant records its own, measured when it was
    /// made: rounding turns the tiny float differences near a tile border into whole quantization
    /// steps, so the difference fades out more slowly than in float32.
    /// </summary>
    public static int For(ModelEntry model, Inference.ModelPrecision precision = Inference.ModelPrecision.Float32)
    {
        ArgumentNullException.ThrowIfNull(model);
        var overlap = ById.TryGetValue(model.Id, out var measured) ? measured : ByFamily.GetValueOrDefault(model.Family, Fallback);
        return precision == Inference.ModelPrecision.Int8 && model.Int8 is { Overlap: > 0 } int8 ? Math.Max(overlap, int8.Overlap) : overlap;
    }
}
