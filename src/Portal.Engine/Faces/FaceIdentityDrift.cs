using Portal.Models.Evaluation;

namespace Portal.Engine.Faces;

/// <summary>
/// Face identity drift: for each face found in the original, the Euclidean distance between the
/// recognition network's descriptors of the original's face and the result's face, read from the
/// same aligned box (scaled when the result is larger). Full reference; lower is better. The
/// recognition net was trained so that one person's photos lie under about 0.6 apart: 0 is
/// untouched, a light JPEG gives a few hundredths, above 0.6 reads as someone else.
/// </summary>
public sealed class FaceIdentityDrift(FaceDetector detector, FaceRecognizer recognizer)
{
    public static string Name => "face identity drift";

    public FaceDriftReport Measure(RgbImage original, RgbImage result, CancellationToken cancellationToken = default)
    {
        var faces = detector.Detect(original, cancellationToken);
        float sx = result.Width / (float)original.Width, sy = result.Height / (float)original.Height;
        var drifts = new List<FaceDrift>(faces.Count);
        foreach (var face in faces)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var aligned = face.AlignedBox;
            var before = recognizer.Describe(original, aligned);
            var after = recognizer.Describe(result, aligned.Scale(sx, sy));
            drifts.Add(new FaceDrift(face, FaceRecognizer.Distance(before, after)));
        }
        return new FaceDriftReport(drifts);
    }
}
