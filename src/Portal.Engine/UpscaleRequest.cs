using Portal.Engine.Imaging;
using Portal.Models;

namespace Portal.Engine;

/// <summary>What a person asked for.</summary>
public sealed record UpscaleRequest
{
    /// <summary>A specific model id; when set, <see cref="Content"/> and <see cref="Quality"/> are ignored.</summary>
    public string? ModelId { get; init; }

    public ContentType Content { get; init; } = ContentType.Photo;

    public QualityLevel Quality { get; init; } = QualityLevel.Balanced;

    /// <summary>
    /// The input's condition as the person states it; null (auto) lets the engine detect it from the
    /// file. It picks the network that serves the cell (a real-world model for degraded inputs).
    /// </summary>
    public InputCondition? Condition { get; init; }

    /// <summary>2, 3, 4 or 8: a combination the lineup offers (see <see cref="Portal.Models.Lineup.LineupRules"/>).</summary>
    public int Scale { get; init; } = 4;

    public OutputFormat Format { get; init; } = OutputFormat.SameAsInput;

    /// <summary>JPEG/WebP quality 1..100; null uses the engine default.</summary>
    public int? OutputQuality { get; init; }

    /// <summary>Drop ICC profile, EXIF, XMP and IPTC from the result.</summary>
    public bool StripMetadata { get; init; }

    /// <summary>
    /// Protect (the default) redraws faces with the faithful network of the same scale when a GAN-trained
    /// network runs on a photo; it changes nothing elsewhere. Off leaves the GAN's faces.
    /// </summary>
    public FaceProtection Faces { get; init; } = FaceProtection.Protect;

    /// <summary>Input tile side; null picks the device default.</summary>
    public int? TileSize { get; init; }

    /// <summary>Context pixels around each tile; null uses the model's measured overlap.</summary>
    public int? Overlap { get; init; }
}
