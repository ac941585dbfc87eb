namespace Portal.Engine.Faces;

/// <summary>A point in image pixels.</summary>
public readonly record struct FacePoint(float X, float Y);
