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
    /// Below this IJG quality a JPEG counts as compressed: at 90 and above the 8x8 grid stays under a
    /// grey level on photos (phones save at 90-95), while web images at 60-85 show it once enlarged.
    /// </summary>
    public const int CompressedBelowQuality = 90;

    /// <summary>
    /// Above this noise sigma (grey levels of 255) an input counts as noisy. Clean photos measure
    /// 0.7-3.0 (the four evaluation photos: rocket 0.7, coffee 1.7, astronaut 2.2, chelsea 3.0, whose fur
    /// carries some grain); sigma 5 of added Gaussian noise is plainly visible.
    /// </summary>
    public const double NoisyAboveSigma = 4.0;

    /// <summary>Measures the file; the header must already have been checked against the limits.</summary>
    public static InputConditionReport Detect(string path, ImageHeader header)
    {
        ArgumentNullException.ThrowIfNull(header);
        var quality = header.Format == ImageFormat.Jpeg ? JpegQuantization.EstimateQuality(JpegQuantization.ReadTables(path)) : null;
        var noise = NoiseEstimator.Estimate(path, header.Format);
        var degraded = quality < CompressedBelowQuality || noise > NoisyAboveSigma;
        return new InputConditionReport(degraded ? InputCondition.Degraded : InputCondition.Clean, quality, noise);
    }
}
