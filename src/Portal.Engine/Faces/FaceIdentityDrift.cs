using Portal.Models.Evaluation;
using Portal.Models.Evaluation.Metrics;

namespace Portal.Engine.Faces;

/// <summary>
/// Face identity drift: for each face found in the original, the Euclidean distance between the
/// recognition network's descriptors of the original's face and the result's face, read from the
/// same aligned box (scaled when the result is larger). Full reference; lower is better. The
/// recognition net was trained so that one person's photos lie under about 0.6 apart: 0 is
/// untouched, a light JPEG gives a few hundredths, above 0.6 reads as someone else.
/// </summary>
/// <remarks>As an evaluation metric it scores the mean over the original's faces and does not apply
/// (null) to an image without a face.</remarks>
public sealed class FaceIdentityDrift(FaceDetector detector, FaceRecognizer recognizer) : IQualityMetric, IDisposable
{
    private readonly bool ownsNetworks;

    // The evaluation scores many results against one original: find and describe its faces once.
    private readonly System.Runtime.CompilerServices.ConditionalWeakTable<RgbImage, List<(DetectedFace Face, float[] Descriptor)>> originals = [];

    /// <summary>Loads its own detector and recognizer from models/analysis/ (disposed with it).</summary>
    public FaceIdentityDrift(string modelsDirectory, int threads = 0)
        : this(new FaceDetector(modelsDirectory, threads: threads), new FaceRecognizer(modelsDirectory, threads))
    {
        ownsNetworks = true;
    }

    public string Id => "face-drift";

    public string Label => "face drift";

    public bool NeedsReference => true;

    public bool LowerIsBetter => true;

    public string? Note => "face-descriptor distance, original vs result, mean over faces: under 0.1 keeps the person, above 0.6 reads as someone else; blank: no face";

    public double? Measure(MetricSample sample)
    {
        var report = Measure(sample.RequireReference(Id), sample.Result);
        return report.HasFaces ? report.Mean : null;
    }

    public FaceDriftReport Measure(RgbImage original, RgbImage result, CancellationToken cancellationToken = default)
    {
        if (!originals.TryGetValue(original, out var faces))
        {
            faces = detector.Detect(original, cancellationToken).Select(f => (f, recognizer.Describe(original, f.AlignedBox))).ToList();
            originals.AddOrUpdate(original, faces);
        }
        float sx = result.Width / (float)original.Width, sy = result.Height / (float)original.Height;
        var drifts = new List<FaceDrift>(faces.Count);
        foreach (var (face, before) in faces)
        {
            cancellationToken.ThrowIfCancellationRequested();
            // The same aligned box on both sides: alignment jitter (2 px moves a descriptor by ~0.1) stays out of the drift.
            var after = recognizer.Describe(result, face.AlignedBox.Scale(sx, sy));
            drifts.Add(new FaceDrift(face, FaceRecognizer.Distance(before, after)));
        }
        return new FaceDriftReport(drifts);
    }

    public void Dispose()
    {
        if (ownsNetworks)
        {
            detector.Dispose();
            recognizer.Dispose();
        }
    }
}
