using Portal.Models;

namespace Portal.Core.Billing;

/// <summary>
/// The one cost function: shown before submit and charged at submit. One credit buys up to 4 output
/// megapixels at Fast; Balanced costs twice that, Ultra and Detail four times (they run deeper networks).
/// </summary>
public static class JobPricing
{
    public const double MegapixelsPerCredit = 4.0;

    public static int Multiplier(QualityLevel quality) => quality switch
    {
        QualityLevel.Fast => 1,
        QualityLevel.Balanced => 2,
        _ => 4,
    };

    public static int Cost(int inputWidth, int inputHeight, int scale, QualityLevel quality)
    {
        var outputMegapixels = (double)inputWidth * inputHeight * scale * scale / 1_000_000.0;
        var units = Math.Max(1, (int)Math.Ceiling(outputMegapixels / MegapixelsPerCredit));
        return units * Multiplier(quality);
    }
}
