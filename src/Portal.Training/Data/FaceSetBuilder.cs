using System.Security.Cryptography;
using System.Text.Json;
using Portal.Models.Evaluation;

namespace Portal.Training.Data;

/// <summary>
/// `portal data faces DOMAIN`: cuts the faces of a built domain's training images into data/DOMAIN/faces/ for the
/// face identity loss. Only the train split is read (the held-out split is what drift is measured on). Each face's
/// aligned box (the square the recognition network reads) gets a margin of a sixth of its side on every side, is
/// cut at native resolution and shrunk (lanczos3) to one square size; faces whose box is smaller than
/// <c>minimumBox</c>, or whose margin leaves the image, are skipped, so no crop is ever enlarged or padded.
/// Detection is a delegate (the CLI passes the engine's face detector; Portal.Training does not reference the
/// engine). Images are read in file-name order and faces kept in the detector's order: the same data and detector
/// give the same set.
/// </summary>
public sealed class FaceSetBuilder(string dataRoot, TextWriter log)
{
    /// <summary>An aligned face box in image pixels: top-left corner and side.</summary>
    public readonly record struct AlignedSquare(float X, float Y, float Side);

    public FaceSet Build(string domain, int size, int minimumBox, string detector, Func<RgbImage, IReadOnlyList<AlignedSquare>> detect,
        CancellationToken cancellationToken = default)
    {
        if (size < 16 || size % 8 != 0)
        {
            throw new TrainingException($"The face crop size must be a multiple of 8 of at least 16 (so the margin is whole pixels and any scale up to 8 divides it); it is {size}.");
        }
        var margin = FaceSet.MarginOf(size);
        var inner = size - 2 * margin;
        if (minimumBox < inner)
        {
            throw new TrainingException($"--min-size {minimumBox} is below the {inner} px the face box fills in a {size} px crop; small faces would be enlarged. Use at least {inner}.");
        }
        var domainFolder = Path.Combine(dataRoot, domain);
        var files = TrainingPairs.SetFiles(dataRoot, domain, "train");
        var sources = ReadSources(domainFolder, domain);
        var crops = new List<(FaceSet.Crop Crop, RgbImage Image)>();
        int found = 0, small = 0, atEdge = 0;
        foreach (var file in files)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var image = RgbImage.Load(file);
            var faces = detect(image);
            found += faces.Count;
            var relative = Path.GetRelativePath(domainFolder, file).Replace('\\', '/');
            string? sourceHash = null;
            foreach (var face in faces)
            {
                if (face.Side < minimumBox)
                {
                    small++;
                    continue;
                }
                var cropSide = (int)MathF.Round(face.Side * size / inner);
                var x = (int)MathF.Round(face.X + face.Side / 2 - cropSide / 2f);
                var y = (int)MathF.Round(face.Y + face.Side / 2 - cropSide / 2f);
                if (x < 0 || y < 0 || x + cropSide > image.Width || y + cropSide > image.Height)
                {
                    atEdge++;
                    continue;
                }
                sourceHash ??= Convert.ToHexStringLower(SHA256.HashData(File.ReadAllBytes(file)));
                var name = $"{Path.GetFileNameWithoutExtension(file)}-face{crops.Count(c => c.Crop.Source == relative)}.png";
                var crop = Resampler.Resize(TrainingPairs.Crop(image, x, y, cropSide, cropSide), size, size, Resampler.Kernel.Lanczos3).Quantized();
                crops.Add((new FaceSet.Crop(name, relative, sourceHash, [face.X, face.Y, face.Side], [x, y, cropSide], LicenceOf(relative, sources), ""), crop));
            }
        }
        if (crops.Count == 0)
        {
            throw new TrainingException(
                $"No usable faces in the {files.Count} training images of {domainFolder}/train: the detector found {found}, {small} with a box under {minimumBox} px " +
                $"and {atEdge} too close to the edge for the margin. A smaller --size (and --min-size) keeps smaller faces.");
        }
        var folder = FaceSet.FolderOf(dataRoot, domain);
        Directory.CreateDirectory(folder);
        foreach (var stale in Directory.EnumerateFiles(folder, "*.png"))
        {
            File.Delete(stale);
        }
        var written = new List<FaceSet.Crop>();
        foreach (var (crop, image) in crops)
        {
            var path = Path.Combine(folder, crop.File);
            image.Save(path);
            written.Add(crop with { Sha256 = Convert.ToHexStringLower(SHA256.HashData(File.ReadAllBytes(path))) });
        }
        var set = new FaceSet(domain, size, margin, minimumBox, detector,
            $"Faces of data/{domain}/train only (never the held-out split); aligned box plus {margin} px margin per side, lanczos3 shrink to {size} px; " +
            $"{found} detected, {small} under {minimumBox} px and {atEdge} at the image edge skipped.", written);
        File.WriteAllText(Path.Combine(folder, FaceSet.ManifestFileName), JsonSerializer.Serialize(set, TrainingRecipe.JsonOptions));
        log.WriteLine($"data/{domain}/faces: {written.Count} faces of {size} px from {files.Count} training images " +
            $"({found} detected, {small} under {minimumBox} px, {atEdge} at the edge); manifest at {Path.Combine(folder, FaceSet.ManifestFileName)}.");
        return set;
    }

    private static IReadOnlyList<DatasetBuilder.Source> ReadSources(string domainFolder, string domain)
    {
        var path = Path.Combine(domainFolder, "manifest.json");
        if (!File.Exists(path))
        {
            throw new TrainingException($"{path} is missing: the face set inherits its licences from the domain's manifest. Build the domain with `portal data build {domain}`.");
        }
        try
        {
            var manifest = JsonSerializer.Deserialize<DatasetBuilder.Manifest>(File.ReadAllText(path), TrainingRecipe.JsonOptions);
            return [.. manifest?.Photos ?? [], .. manifest?.Fonts ?? [], .. manifest?.Texts ?? []];
        }
        catch (JsonException error)
        {
            throw new TrainingException($"{path} is not a data set manifest ({error.Message}); rebuild it with `portal data build {domain}`.", error);
        }
    }

    /// <summary>
    /// The licence the domain's manifest records for a training image: its source whose name (before the split note,
    /// '/' as '-', no extension) is the file's stem or one end of it (builders add prefixes such as "wesnoth-" and
    /// suffixes such as "-4"); the longest such name wins.
    /// </summary>
    private static string LicenceOf(string relative, IReadOnlyList<DatasetBuilder.Source> sources)
    {
        var stem = Path.GetFileNameWithoutExtension(relative).ToLowerInvariant();
        var match = sources
            .Select(s => (Source: s, Key: Path.ChangeExtension(s.Name.Split(" (")[0].Replace('/', '-'), null).ToLowerInvariant()))
            .Where(s => s.Key.Length > 0 && (stem == s.Key || stem.EndsWith("-" + s.Key, StringComparison.Ordinal) || stem.StartsWith(s.Key + "-", StringComparison.Ordinal)))
            .OrderByDescending(s => s.Key.Length).Select(s => s.Source).FirstOrDefault();
        return match is null ? $"as recorded for {relative} in the domain's manifest.json" : $"{match.Licence} ({match.Package}: {match.Path})";
    }
}
