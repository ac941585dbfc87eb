using Portal.Models;
using Portal.Models.Restoration;

namespace Portal.Engine;

/// <summary>
/// What a real-world cell does around its network for one input, worked out from the file's JPEG
/// quality by the cell's <see cref="RealWorldRestoration"/>.
/// </summary>
/// <param name="JpegQuality">The quality the file's tables match; null for files without JPEG tables.</param>
/// <param name="DeblockStrength">0 when the input is not deblocked.</param>
/// <param name="PrimaryShare">The cell's network's share of the mixed result; 1 when no partner runs.</param>
/// <param name="Partner">The network mixed in; null when the cell's network runs alone.</param>
/// <param name="GridX">Where the coding grid's vertical lines fall in the upright picture (0..7).</param>
/// <param name="GridY">Where its horizontal lines fall.</param>
public sealed record RestorationPlan(
    RealWorldRestoration Recipe,
    int? JpegQuality,
    double DeblockStrength,
    double PrimaryShare,
    ModelEntry? Partner,
    int GridX,
    int GridY)
{
    /// <summary>The plan for an input, or null when the recipe leaves it as it is (no deblocking, no partner).</summary>
    public static RestorationPlan? For(RealWorldRestoration recipe, int? jpegQuality, ModelManifest manifest, int orientation, int displayWidth, int displayHeight)
    {
        ArgumentNullException.ThrowIfNull(recipe);
        ArgumentNullException.ThrowIfNull(manifest);
        var strength = recipe.DeblockStrengthFor(jpegQuality);
        var share = recipe.PrimaryShareFor(jpegQuality);
        if (strength <= 0 && share >= 1)
        {
            return null;
        }

        var partner = share < 1
            ? manifest.FindById(recipe.PartnerModelId)
                ?? throw new UpscaleException(UpscaleErrorCode.ModelNotInstalled, $"The lineup mixes in '{recipe.PartnerModelId}', but the model manifest does not list it; run 'portal models import'.")
            : null;
        var (gridX, gridY) = GridOffset(orientation, displayWidth, displayHeight);
        return new RestorationPlan(recipe, jpegQuality, strength, share, partner, gridX, gridY);
    }

    /// <summary>
    /// Where the 8x8 grid of the stored JPEG falls after the EXIF orientation is applied: an axis that the
    /// orientation mirrors (2, 3, 6, 7 mirror x; 3, 4, 7, 8 mirror y in the upright picture) starts its
    /// grid at length mod 8 instead of 0.
    /// </summary>
    public static (int X, int Y) GridOffset(int orientation, int displayWidth, int displayHeight) =>
    (
        orientation is 2 or 3 or 6 or 7 ? displayWidth % 8 : 0,
        orientation is 3 or 4 or 7 or 8 ? displayHeight % 8 : 0);

    /// <summary>One phrase for logs and the CLI.</summary>
    public string Describe() => Recipe.Describe(JpegQuality);
}
