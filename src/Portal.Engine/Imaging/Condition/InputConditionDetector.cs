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
    /// Above this noise sigma (grey levels of 255) an input counts as noisy. Measured by
    /// <see cref="NoiseEstimator"/>: the four clean evaluation photos 0.3-1.0, baboon fur (texture.png)
    /// 2.7, added Gaussian noise of sigma 6 reads 5.7 and sigma 10 reads 8.7. A tiny crop that is
    /// texture edge to edge (the 128 x 96 butterfly-wing fixture) reads as noise: the override is for that.
    /// </summary>
    public const double NoisyAboveSigma = 3.5;

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
