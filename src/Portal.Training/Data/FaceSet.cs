using System.Text.Json;
using Portal.Models.Evaluation;

namespace Portal.Training.Data;

/// <summary>
/// A domain's face crops (data/DOMAIN/faces/, built by <see cref="FaceSetBuilder"/>): square PNGs of one size, each
/// the aligned face box the identity metric reads plus a margin of <see cref="MarginOf"/> pixels on every side (in
/// crop pixels) so the generator sees the face's surroundings. The identity loss reads the inner box only.
/// </summary>
public sealed record FaceSet(string Domain, int Size, int Margin, int MinimumBox, string Detector, string Note, IReadOnlyList<FaceSet.Crop> Faces)
{
    public const string FolderName = "faces";
    public const string ManifestFileName = "manifest.json";
    public const int DefaultSize = 128;

    /// <param name="File">The crop, relative to data/DOMAIN/faces/.</param>
    /// <param name="Source">The training image it was cut from, relative to data/DOMAIN/.</param>
    /// <param name="Box">The aligned face box in the source image [x, y, side] (native pixels).</param>
    /// <param name="CropBox">The square cut from the source [x, y, side]: the box plus its margin, before the shrink.</param>
    public sealed record Crop(string File, string Source, string SourceSha256, float[] Box, int[] CropBox, string Licence, string Sha256);

    /// <summary>The margin of a crop of <paramref name="size"/> pixels: one eighth a side, so the face box fills the middle three quarters.</summary>
    public static int MarginOf(int size) => size / 8;

    public static string FolderOf(string dataRoot, string domain) => Path.Combine(dataRoot, domain, FolderName);

    /// <summary>The command that builds a domain's face set, for messages.</summary>
    public static string BuildCommand(string domain) => $"portal data faces {domain}";

    /// <summary>Reads data/DOMAIN/faces/manifest.json; a missing or empty face set is refused with the folder and the command that builds it.</summary>
    public static FaceSet Load(string dataRoot, string domain)
    {
        var folder = FolderOf(dataRoot, domain);
        var manifestPath = Path.Combine(folder, ManifestFileName);
        if (!File.Exists(manifestPath))
        {
            throw new TrainingException($"The '{domain}' face set is missing: {manifestPath} does not exist. Build it with `{BuildCommand(domain)}`.");
        }
        FaceSet? set;
        try
        {
            set = JsonSerializer.Deserialize<FaceSet>(File.ReadAllText(manifestPath), TrainingRecipe.JsonOptions);
        }
        catch (JsonException error)
        {
            throw new TrainingException($"{manifestPath} is not a face set manifest ({error.Message}); rebuild it with `{BuildCommand(domain)}`.", error);
        }
        if (set is null || set.Faces.Count == 0)
        {
            throw new TrainingException($"The '{domain}' face set in {folder} holds no faces. Build it with `{BuildCommand(domain)}`.");
        }
        var missing = set.Faces.FirstOrDefault(f => !File.Exists(Path.Combine(folder, f.File)));
        if (missing is not null)
        {
            throw new TrainingException($"The '{domain}' face set lists {missing.File}, which is not in {folder}; rebuild it with `{BuildCommand(domain)}`.");
        }
        return set;
    }

    /// <summary>The crops as images, in manifest order.</summary>
    public IReadOnlyList<RgbImage> LoadImages(string dataRoot) =>
        Faces.Select(f => RgbImage.Load(Path.Combine(FolderOf(dataRoot, Domain), f.File))).ToList();
}
