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
    /// <summary>
    /// The square the recognition network reads, placed as face-api does for descriptors (dlib-style):
    /// side = mean eye-to-mouth distance / 0.45, centred horizontally on the mean of the eye and mouth
    /// centres, with that point 43 % from the top.
    /// </summary>
    public FaceBox AlignedBox
    {
        get
        {
            FacePoint left = LeftEye, right = RightEye, mouth = Mouth;
            var eyeToMouth = (Distance(left, mouth) + Distance(right, mouth)) / 2;
            var size = MathF.Floor(eyeToMouth / 0.45f);
            var centreX = (left.X + right.X + mouth.X) / 3;
            var centreY = (left.Y + right.Y + mouth.Y) / 3;
            var x = MathF.Floor(Math.Max(0, centreX - 0.5f * size));
            var y = MathF.Floor(Math.Max(0, centreY - 0.43f * size));
            return new FaceBox(x, y, size, size);
        }
    }

    public FacePoint LeftEye => Centre(36, 42);

    public FacePoint RightEye => Centre(42, 48);

    public FacePoint Mouth => Centre(48, 68);

    /// <summary>The same face in an image scaled by (sx, sy), e.g. the upscaled result.</summary>
    public DetectedFace Scale(float sx, float sy) =>
        this with { Box = Box.Scale(sx, sy), Landmarks = Landmarks.Select(p => new FacePoint(p.X * sx, p.Y * sy)).ToArray() };

    private static float Distance(FacePoint a, FacePoint b) => MathF.Sqrt((a.X - b.X) * (a.X - b.X) + (a.Y - b.Y) * (a.Y - b.Y));

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
