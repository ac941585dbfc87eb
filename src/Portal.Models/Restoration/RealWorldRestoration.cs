using System.Globalization;

namespace Portal.Models.Restoration;

/// <summary>
/// What a real-world cell does around its network, chosen from the input's estimated JPEG quality:
/// deblock the input on its 8x8 grid (<see cref="JpegDeblocker"/>) at a strength that depends on the
/// quality, then mix the network's output with a partner network's, pixel by pixel, in a share that
/// also depends on the quality. One recipe serves the engine (per tile) and the evaluation (which runs
/// the engine), so the report's numbers are what a person gets.
/// </summary>
/// <param name="PartnerModelId">The second network mixed into the result (same native scale).</param>
/// <param name="Strength">Deblocking strength by JPEG quality: (quality, strength) anchors, linear between, flat beyond the ends.</param>
/// <param name="PrimaryShare">The primary network's share of the mix by JPEG quality, same form; 1 runs the primary alone.</param>
public sealed record RealWorldRestoration(
    string PartnerModelId,
    IReadOnlyList<(int Quality, double Value)> Strength,
    IReadOnlyList<(int Quality, double Value)> PrimaryShare)
{
    /// <summary>
    /// At or above this quality neither deblocking nor the mix runs: the grid is below a grey level (and the
    /// input counts as clean unless it is noisy, see the engine's condition detector).
    /// </summary>
    public const int NoDeblockFromQuality = 90;

    /// <summary>
    /// realesrgan-x4plus on compressed or noisy photos, measured on the real-world track (docs/MODELS.md,
    /// "Degraded inputs"): at JPEG 60 (medium) x4plus alone leaves the grid (blockiness 1.151 vs the
    /// originals' 0.994) and loses 0.045 SSIM-Y to lanczos3; deblocking at strength 4 and a 60/40 mix
    /// with x4fast meets the bar with margin on all three (1.083, BRISQUE 26.2, -0.011; 50/50 gave 1.078,
    /// 29.2, -0.004; 70/30 1.087, 23.9, -0.018). At JPEG 30 (heavy) strength 4 smooths the boundaries past
    /// the originals' (0.856) and the mix raises BRISQUE past 30, while strength 1 and x4plus alone pass
    /// (0.999, 20.4, +0.022). At JPEG 90 (light) x4plus alone passes (1.006, 26.7, -0.026) and any mix
    /// fails BRISQUE. Between 30 and 60 the recipe is interpolated, unmeasured; from 60 to 89 it stays.
    /// </summary>
    public static RealWorldRestoration X4PlusWithX4Fast { get; } = new(
        "realesrgan-x4fast-x4",
        [(30, 1.0), (60, 4.0)],
        [(30, 1.0), (60, 0.6)]);

    /// <summary>
    /// The same recipe with photo-x4 (x4fast fine-tuned here on photos, same network and cost) mixed in x4fast's place, for
    /// compressed or noisy photos at x4. Through the engine on the 16 photos' medium track (JPEG 60, where the mix runs; at 90
    /// and 30 x4plus runs alone, so nothing changes there) it gains PSNR-Y (25.17 vs 25.11 dB) and lowers the deep-feature
    /// distance (2.0205 vs 2.0252) and face drift (0.4583 vs 0.4600), and meets the bar as before (1.091, BRISQUE 27.0,
    /// SSIM-Y -0.013): docs/MODELS.md, "photo-x4 in the x4 restoration".
    /// </summary>
    public static RealWorldRestoration X4PlusWithPhotoX4 { get; } = X4PlusWithX4Fast with { PartnerModelId = "photo-x4" };

    /// <summary>The same deblocking by JPEG quality without the partner network (the primary alone at every quality).</summary>
    public RealWorldRestoration DeblockingOnly() => this with { PrimaryShare = [(NoDeblockFromQuality, 1.0)] };

    /// <summary>The deblocking strength for an input saved at <paramref name="jpegQuality"/>; 0 (none) without JPEG tables or at 90 and above.</summary>
    public double DeblockStrengthFor(int? jpegQuality) =>
        jpegQuality is { } q && q < NoDeblockFromQuality ? Interpolate(Strength, q) : 0;

    /// <summary>
    /// The primary network's share of the result; 1 (the primary alone) for inputs without JPEG tables or saved
    /// at 90 and above (noisy, not compressed: the mix was measured on compressed inputs only).
    /// </summary>
    public double PrimaryShareFor(int? jpegQuality) =>
        jpegQuality is { } q && q < NoDeblockFromQuality ? Math.Clamp(Interpolate(PrimaryShare, q), 0, 1) : 1;

    /// <summary>One phrase for logs and the CLI, e.g. "deblocked at strength 4 for JPEG quality 60, mixed 50/50 with realesrgan-x4fast-x4".</summary>
    public string Describe(int? jpegQuality)
    {
        var strength = DeblockStrengthFor(jpegQuality);
        var share = PrimaryShareFor(jpegQuality);
        var deblock = strength > 0
            ? string.Create(CultureInfo.InvariantCulture, $"deblocked at strength {strength:0.##} for JPEG quality {jpegQuality}")
            : "not deblocked";
        var mix = share < 1
            ? string.Create(CultureInfo.InvariantCulture, $", mixed {share * 100:0}/{(1 - share) * 100:0} with {PartnerModelId}")
            : "";
        return deblock + mix;
    }

    private static double Interpolate(IReadOnlyList<(int Quality, double Value)> anchors, int quality)
    {
        if (anchors.Count == 0)
        {
            throw new InvalidOperationException("A restoration curve needs at least one anchor.");
        }
        if (quality <= anchors[0].Quality)
        {
            return anchors[0].Value;
        }
        for (var i = 1; i < anchors.Count; i++)
        {
            var (q1, v1) = anchors[i];
            if (quality <= q1)
            {
                var (q0, v0) = anchors[i - 1];
                return v0 + ((v1 - v0) * (quality - q0) / (q1 - q0));
            }
        }
        return anchors[^1].Value;
    }
}
