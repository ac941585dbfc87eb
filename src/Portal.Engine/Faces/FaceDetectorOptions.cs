namespace Portal.Engine.Faces;

/// <summary>How faces are searched for.</summary>
public sealed record FaceDetectorOptions
{
    /// <summary>Side of the square the image is resized to for the detector; a multiple of 32. Larger finds smaller faces, slower.</summary>
    public int InputSize { get; init; } = 416;

    /// <summary>Minimum detector confidence (face-api's default is 0.5).</summary>
    public float ScoreThreshold { get; init; } = 0.5f;

    /// <summary>Boxes overlapping a better one by more than this IoU are dropped (face-api: 0.4).</summary>
    public float OverlapThreshold { get; init; } = 0.4f;

    /// <summary>Faces whose shorter box side is below this many input pixels are skipped: too small to
    /// align or to recognise, and in a crowd they would cost a landmark pass each.</summary>
    public int MinFaceSize { get; init; } = 24;

    /// <summary>At most this many faces (the largest) get landmarks; the rest are dropped.</summary>
    public int MaxFaces { get; init; } = 64;

    public void Validate()
    {
        if (InputSize < 32 || InputSize % 32 != 0 || InputSize > 2048)
        {
            throw new ArgumentOutOfRangeException(nameof(InputSize), InputSize, "The detector input size must be a multiple of 32 between 32 and 2048.");
        }
        if (ScoreThreshold is < 0 or > 1 || OverlapThreshold is < 0 or > 1 || MinFaceSize < 1 || MaxFaces < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(ScoreThreshold), "Thresholds must lie in 0..1, MinFaceSize and MaxFaces be positive.");
        }
    }
}
