using System.Globalization;
using Portal.Models;

namespace Portal.Engine.Imaging.Condition;

/// <summary>What the engine detected about an input: its condition and the two measurements behind it.</summary>
/// <param name="Condition">Clean, or degraded (compressed or noisy).</param>
/// <param name="JpegQuality">The IJG quality its quantization tables match; null for files without JPEG tables.</param>
/// <param name="NoiseSigma">Estimated white-noise standard deviation in grey levels of 255.</param>
public sealed record InputConditionReport(InputCondition Condition, int? JpegQuality, double NoiseSigma)
{
    /// <summary>True when the tables say the file was saved at or below <see cref="InputConditionDetector.CompressedAtOrBelowQuality"/>.</summary>
    public bool Compressed => JpegQuality <= InputConditionDetector.CompressedAtOrBelowQuality;

    public bool Noisy => NoiseSigma > InputConditionDetector.NoisyAboveSigma;

    /// <summary>One phrase for the upload page and the CLI, e.g. "degraded: JPEG quality about 60, noise 1.4".</summary>
    public string Describe()
    {
        var what = (Compressed, Noisy) switch
        {
            (true, true) => "degraded (compressed and noisy)",
            (true, false) => "degraded (compressed)",
            (false, true) => "degraded (noisy)",
            _ => "clean",
        };
        var quality = JpegQuality is { } q ? string.Create(CultureInfo.InvariantCulture, $"JPEG quality about {q}") : "no JPEG compression";
        return string.Create(CultureInfo.InvariantCulture, $"{what}: {quality}, noise {NoiseSigma:0.0}");
    }
}
