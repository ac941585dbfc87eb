using Portal.Engine.Inference;

namespace Portal.Engine.Faces;

/// <summary>What the face pass of one run needs, or why it cannot run (then both networks are null).</summary>
internal sealed record FaceSafety(FaceDetector? Detector, ITileModel? Faithful, string? FaithfulId, string? OffReason)
{
    public static FaceSafety Off(string reason) => new(null, null, null, reason);
}
