using System.Globalization;

namespace Portal.Engine.Faces;

/// <summary>What "Protect faces" did on one job (null on the result where it does not apply).</summary>
/// <param name="Applied">True when faces were looked for and every one found was redrawn.</param>
/// <param name="Faces">Faces found above the size threshold (0 when none, or when not applied).</param>
/// <param name="Note">Why protection did not run (asked off, or the detector or faithful model failed); null when it ran.</param>
public sealed record FaceProtectionReport(bool Applied, int Faces, string? Note)
{
    /// <summary>The faithful network that redrew the faces.</summary>
    public string? FaithfulModelId { get; init; }

    /// <summary>The faces in input pixels (boxes and landmarks), largest regions merged for the redraw.</summary>
    public IReadOnlyList<DetectedFace> Detected { get; init; } = [];

    /// <summary>The redrawn regions in input pixels.</summary>
    public IReadOnlyList<FaceRegion> Regions { get; init; } = [];

    /// <summary>Time spent finding faces (detector and landmarks), excluding the redraw.</summary>
    public TimeSpan DetectionTime { get; init; }

    /// <summary>Time spent redrawing the regions with the faithful network.</summary>
    public TimeSpan RedrawTime { get; init; }

    public static FaceProtectionReport Off(string note) => new(false, 0, note);

    /// <summary>One sentence for the CLI, the log and the job page.</summary>
    public string Describe() => Applied
        ? Faces switch
        {
            0 => "Faces: none found, so the whole image is the GAN's.",
            1 => $"Faces: 1 face redrawn by {FaithfulModelId} and blended in.",
            _ => string.Create(CultureInfo.InvariantCulture, $"Faces: {Faces} faces redrawn by {FaithfulModelId} and blended in ({Regions.Count} regions)."),
        }
        : $"Faces: not protected. {Note}";
}
