using Portal.Models.Restoration;

namespace Portal.Models.Lineup;

/// <summary>
/// One cell of the lineup: this model serves this content type at this scale and quality level for
/// inputs in this condition. When the model's native scale differs from <paramref name="Scale"/>, the
/// engine runs it at its own scale and resamples (only ever a downscale from a larger native scale).
/// </summary>
public sealed record LineupPlacement(ContentType Content, int Scale, QualityLevel Level, InputCondition Condition, string ModelId)
{
    /// <summary>What runs around the model for this cell (deblocking, a partner network); null runs the model alone.</summary>
    public RealWorldRestoration? Restoration { get; init; }
}
