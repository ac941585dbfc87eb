using Portal.Engine.Imaging;
using Portal.Models;

namespace Portal.Core.Jobs;

/// <summary>
/// The options a person picks for one image; <paramref name="Condition"/> null is auto (detect it from the file);
/// <paramref name="Faces"/> matters only where a GAN-trained network runs on a photo.
/// </summary>
public sealed record JobRequest(
    Guid ImageId,
    ContentType Content,
    QualityLevel Quality,
    int Scale,
    OutputFormat Format = OutputFormat.SameAsInput,
    bool StripMetadata = false,
    InputCondition? Condition = null,
    FaceProtection Faces = FaceProtection.Protect);
