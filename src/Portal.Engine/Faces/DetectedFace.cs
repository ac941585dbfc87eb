namespace Portal.Engine.Faces;

/// <summary>
/// A face found in an image, in that image's pixel coordinates.
/// </summary>
/// <param name="Box">The detector's box.</param>
/// <param name="Score">Detector confidence, 0..1.</param>
/// <param name="Landmarks">The 68 points of the iBUG 300-W layout: jaw 0-16, brows 17-26, nose 27-35,
/// left eye 36-41, right eye 42-47, mouth 48-67.</param>
public sealed record DetectedFace(FaceBox Box, float Score, IReadOnlyList<FacePoint> Landmarks)
{
    /// <summary>The box the recognition network reads: the landmarks' bounds grown by 20 %, as face-api aligns.</summary>
    public FaceBox AlignedBox
    {
        get
        {
            float minX = Landmarks.Min(p => p.X), minY = Landmarks.Min(p => p.Y);
            float maxX = Landmarks.Max(p => p.X), maxY = Landmarks.Max(p => p.Y);
            return new FaceBox(minX, minY, maxX - minX, maxY - minY).Pad(0.2f);
        }
    }

    public FacePoint LeftEye => Centre(36, 42);

    public FacePoint RightEye => Centre(42, 48);

    public FacePoint Mouth => Centre(48, 68);

    /// <summary>The same face in an image scaled by (sx, sy), e.g. the upscaled result.</summary>
    public DetectedFace Scale(float sx, float sy) =>
        this with { Box = Box.Scale(sx, sy), Landmarks = Landmarks.Select(p => new FacePoint(p.X * sx, p.Y * sy)).ToArray() };

    private FacePoint Centre(int from, int to)
    {
        float x = 0, y = 0;
        for (var i = from; i < to; i++)
        {
            x += Landmarks[i].X;
            y += Landmarks[i].Y;
        }
        return new FacePoint(x / (to - from), y / (to - from));
    }
}
