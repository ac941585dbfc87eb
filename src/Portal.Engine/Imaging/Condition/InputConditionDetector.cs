using Portal.Models;

namespace Portal.Engine.Imaging.Condition;

/// <summary>
/// Classifies an input as clean or degraded from its JPEG quantization tables and a noise estimate,
/// so the lineup can send JPEG-compressed or noisy uploads to a real-world model. Header-level and a
/// bounded crop only: cheap enough to run on every upload.
/// </summary>
public static class InputConditionDetector
{
    /// <summary>
    /// At or below this IJG quality a JPEG counts as compressed. Web images at 60-85 show the 8x8 grid once
    /// enlarged; at 90 the grid is gone but the real-world track's light inputs (JPEG 90, faint blur and
    /// noise) still measure far better through realesrgan-x4plus than through the clean lineup (BRISQUE
    /// 26.7 vs 50.5, docs/MODELS.md). Phones save at 92-95, which stays clean.
    /// </summary>
    public const int CompressedAtOrBelowQuality = 90;

    /// <summary>
    /// Above this noise sigma (grey levels of 255) an input counts as noisy. Measured by
    /// <see cref="NoiseEstimator"/> on the 16 evaluation photos' x4 downscales (the clean track's inputs):
    /// clean 0-2.6 (moss, the busiest), added colour noise of sigma 4 reads 3.6-5.1 and sigma 6 reads 5.1-6.6
    /// (docs/MODELS.md, "Input condition").
    /// </summary>
    public const double NoisyAboveSigma = 3.5;

    /// <summary>Measures the file; the header must already have been checked against the limits.</summary>
    public static InputConditionReport Detect(string path, ImageHeader header)
    {
        ArgumentNullException.ThrowIfNull(header);
        var quality = JpegQuality(path, header);
        var noise = NoiseEstimator.Estimate(path, header.Format);
        var degraded = quality <= CompressedAtOrBelowQuality || noise > NoisyAboveSigma;
        return new InputConditionReport(degraded ? InputCondition.Degraded : InputCondition.Clean, quality, noise);
    }

    /// <summary>The JPEG quality read from the file's quantization tables; null for anything that is not a JPEG.</summary>
    public static int? JpegQuality(string path, ImageHeader header)
    {
        ArgumentNullException.ThrowIfNull(header);
        return header.Format == ImageFormat.Jpeg ? JpegQuantization.EstimateQuality(JpegQuantization.ReadTables(path)) : null;
    }
}
