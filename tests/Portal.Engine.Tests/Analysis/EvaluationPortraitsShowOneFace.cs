using Portal.Engine.Faces;
using Portal.Models.Evaluation;
using Xunit.Abstractions;

namespace Portal.Engine.Tests.Analysis;

/// <summary>The evaluation set's portraits each show one face the detector finds, so the face crops and the
/// identity-drift metric have something to measure; its landscapes show none.</summary>
public sealed class EvaluationPortraitsShowOneFace(ITestOutputHelper output) : IDisposable
{
    private readonly FaceDetector detector = new(AnalysisFixtures.ModelsDirectory);

    [Theory]
    [InlineData("astronaut.png")]
    [InlineData("portrait-uniform.png")]
    [InlineData("cameraman.png")]
    public void A_portrait_shows_exactly_one_face(string name)
    {
        var faces = detector.Detect(Photo(name));
        foreach (var face in faces)
        {
            output.WriteLine($"{name}: face at {face.Box.X:F0},{face.Box.Y:F0} size {face.Box.Width:F0}x{face.Box.Height:F0}, score {face.Score:F2}");
        }
        Assert.Single(faces);
    }

    [Theory]
    [InlineData("rowing-boats.png")]
    [InlineData("moss.png")]
    [InlineData("dandelion.png")]
    public void A_landscape_shows_no_face(string name) => Assert.Empty(detector.Detect(Photo(name)));

    public void Dispose() => detector.Dispose();

    private static RgbImage Photo(string name) => RgbImage.Load(Path.Combine(AnalysisFixtures.ModelsDirectory, "evaluation", "photos", name));
}
