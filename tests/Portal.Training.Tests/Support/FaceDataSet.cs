using System.Text.Json;
using Portal.Engine.Faces;
using Portal.Models.Evaluation;
using Portal.Training.Data;

namespace Portal.Training.Tests.Support;

/// <summary>
/// A throw-away domain "portraits" built from the committed evaluation photos: two portraits and a face-free photo
/// to train on, a third portrait held out, a domain manifest naming their licences, and the engine's real detector.
/// </summary>
internal sealed class FaceDataSet : IDisposable
{
    public const string Domain = "portraits";

    public static IReadOnlyList<string> TrainPhotos { get; } = ["astronaut", "coffee", "portrait-uniform"];

    public const string HeldOutPhoto = "cameraman";

    private readonly FaceDetector detector = new(RepositoryPaths.Models, threads: 1);

    public FaceDataSet(IReadOnlyList<string>? trainPhotos = null)
    {
        Root = Directory.CreateTempSubdirectory("portal-faces-").FullName;
        var folder = Path.Combine(DataRoot, Domain);
        foreach (var (split, names) in new[] { ("train", trainPhotos ?? TrainPhotos), ("heldout", [HeldOutPhoto]) })
        {
            Directory.CreateDirectory(Path.Combine(folder, split));
            foreach (var name in names)
            {
                File.Copy(Path.Combine(RepositoryPaths.Models, "evaluation", "photos", name + ".png"), Path.Combine(folder, split, name + ".png"));
            }
        }
        var sources = (trainPhotos ?? TrainPhotos).Append(HeldOutPhoto)
            .Select(n => new DatasetBuilder.Source($"{n} (test)", $"models/evaluation/photos/{n}.png", "skimage / matplotlib", $"licence of {n} (models/evaluation/README.md)"))
            .ToList();
        var manifest = new DatasetBuilder.Manifest(Domain, "test copies", 0, 0, "none", "none", [], [], [], sources);
        File.WriteAllText(Path.Combine(folder, "manifest.json"), JsonSerializer.Serialize(manifest, TrainingRecipe.JsonOptions));
    }

    public string Root { get; }

    public string DataRoot => Path.Combine(Root, "data");

    /// <summary>Every image the detector was shown, by size (the photos differ in size or content).</summary>
    public List<RgbImage> Shown { get; } = [];

    public IReadOnlyList<FaceSetBuilder.AlignedSquare> Detect(RgbImage image)
    {
        Shown.Add(image);
        return detector.Detect(image).Select(f => new FaceSetBuilder.AlignedSquare(f.AlignedBox.X, f.AlignedBox.Y, f.AlignedBox.Width)).ToList();
    }

    public FaceSet Build(int size = 64) => new FaceSetBuilder(DataRoot, TextWriter.Null).Build(Domain, size, size - 2 * FaceSet.MarginOf(size), "test", Detect);

    public void Dispose()
    {
        detector.Dispose();
        try
        {
            Directory.Delete(Root, recursive: true);
        }
        catch (IOException)
        {
            // A temp folder left behind is harmless.
        }
    }
}
