namespace Portal.Engine.Faces;

/// <summary>One face's identity drift: the descriptor distance between the original and the result.</summary>
public sealed record FaceDrift(DetectedFace Face, float Distance);
