using Portal.Engine.Imaging;
using Portal.Models;

namespace Portal.Core.Jobs;

/// <summary>The options a person picks for one image.</summary>
public sealed record JobRequest(
    Guid ImageId,
    ContentType Content,
    QualityLevel Quality,
    int Scale,
    OutputFormat Format = OutputFormat.SameAsInput,
    bool StripMetadata = false);
