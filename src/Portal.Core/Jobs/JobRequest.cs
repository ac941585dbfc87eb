using Portal.Engine.Imaging;
using Portal.Models;

namespace Portal.Core.Jobs;

/// <summary>The options a person picks for one image; <paramref name="Condition"/> null is auto (detect it from the file).</summary>
public sealed record JobRequest(
    Guid ImageId,
    ContentType Content,
    QualityLevel Quality,
    int Scale,
    OutputFormat Format = OutputFormat.SameAsInput,
    bool StripMetadata = false,
    InputCondition? Condition = null);
