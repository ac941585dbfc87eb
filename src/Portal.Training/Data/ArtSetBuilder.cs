using System.IO.Compression;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using NetVips;

namespace Portal.Training.Data;

/// <summary>
/// `portal data build art`: clip art from Debian's `openclipart-png` (public domain), each drawing
/// flattened on white and trimmed to its content, saved as PNG at the package's own size (about
/// 480 px on the long side, the size the evaluation art is rendered at). The split is a pure
/// function of the file names: the drawings the evaluation art (models/evaluation/art) is cut from
/// are always held out, the rest are ordered by the SHA-256 of their package path and the first
/// ones held out, so the same package gives the same split on every machine. A drawing whose bytes
/// equal a held-out one's (the package repeats some files) never enters training.
/// Painted character portraits from Debian's `wesnoth-1.16-data` (GPL-2+), where that package is
/// under the same root, join the set with their own fixed split (the first
/// <see cref="HeldOutPortraits"/> in SHA-256 order of their package path held out): faces in the
/// training data, and faces in the held-out set so identity drift is measured on art too.
/// </summary>
internal sealed class ArtSetBuilder(string dataRoot, string packageRoot, TextWriter log)
{
    public const string Package = "openclipart-png";
    private const string PngFolder = "usr/share/openclipart/png";

    /// <summary>Game art: painted character portraits (about 400-500 px, transparent background), GPL-2+.</summary>
    public const string PortraitPackage = "wesnoth-1.16-data";
    public const string PortraitFolder = "usr/share/games/wesnoth/1.16/data/core/images/portraits";

    /// <summary>Portraits held out of training (the package has 238 in its core folder).</summary>
    public const int HeldOutPortraits = 16;

    // Illustrations; the icon, shape, symbol, button and logo folders are left out (flat pictograms teach little about art).
    private static readonly string[] Categories =
    [
        "animals", "buildings", "containers", "decorations", "education", "electronics", "food", "geography", "office",
        "people", "plants", "recreation", "science", "special", "tools", "transportation", "unsorted",
    ];

    /// <summary>The originals of models/evaluation/art (boy, painted-room, beach-trip, crawfish) and their variants: never trained on.</summary>
    public static IReadOnlyList<string> EvaluationSources { get; } =
    [
        "people/boy_astrid_graeber_.png", "people/van_gogh_s_room_enrique__01.png", "people/beach_trip_ganson.png",
        "animals/crawfish1_ganson.png", "animals/crawfish2_ganson.png", "animals/crawfish1_bw_ganson.png", "animals/crawfish2_bw_ganson.png",
    ];

    /// <summary>A drawing smaller than this (after trimming) on either side holds too few crops to be worth a place.</summary>
    public const int MinimumSide = 128;

    public DatasetBuilder.Manifest Build(int trainImages, int heldOutImages)
    {
        var folder = Path.Combine(packageRoot, PngFolder);
        if (!Directory.Exists(folder))
        {
            throw new TrainingException(
                $"The art set needs Debian's {Package} package; {folder} does not exist. Install it, or `apt-get download {Package}`, " +
                "unpack it with `dpkg-deb -x FILE.deb ROOT` and pass --from ROOT.");
        }
        var version = PackageVersion(Package);
        var candidates = Categories.Select(c => Path.Combine(folder, c)).Where(Directory.Exists)
            .SelectMany(c => Directory.EnumerateFiles(c, "*.png"))
            .Where(p => new FileInfo(p).LinkTarget is null) // the package links some drawings into several folders
            .Select(p => Path.GetRelativePath(folder, p).Replace('\\', '/'))
            .OrderBy(SplitKey, StringComparer.Ordinal).ToList();
        var evaluation = EvaluationSources.Where(candidates.Contains).ToList();
        var output = Path.Combine(dataRoot, "art");
        var trainFolder = Path.Combine(output, "train");
        var heldOutFolder = Path.Combine(output, "heldout");
        Clear(trainFolder);
        Clear(heldOutFolder);
        var heldOut = Write(folder, evaluation.Concat(candidates.Except(evaluation)), Math.Max(heldOutImages, evaluation.Count), heldOutFolder, "");
        var heldOutNames = heldOut.Select(h => h.Name).Concat(EvaluationSources).ToHashSet();
        var heldOutBytes = heldOut.Select(h => h.SourceSha256).ToHashSet();
        var training = Write(folder, candidates.Where(n => !heldOutNames.Contains(n)), trainImages, trainFolder, "", heldOutBytes);
        var licence = $"public domain (Creative Commons Public Domain Dedication, /usr/share/doc/{Package}/copyright)";
        var sources = training.Select(w => Source(w, "train", $"/{PngFolder}/", $"{Package} {version}", licence))
            .Concat(heldOut.Select(w => Source(w, "held-out", $"/{PngFolder}/", $"{Package} {version}", licence))).ToList();
        var written = training.Concat(heldOut).ToList();
        var gameArt = $"no game art ({PortraitPackage} is not under {packageRoot})";
        var portraits = WritePortraits(trainFolder, heldOutFolder);
        if (portraits is not null)
        {
            sources.AddRange(PortraitSources(portraits.Training, "train", portraits.Version));
            sources.AddRange(PortraitSources(portraits.HeldOut, "held-out", portraits.Version));
            training.AddRange(portraits.Training);
            heldOut.AddRange(portraits.HeldOut);
            written.AddRange(portraits.Training.Concat(portraits.HeldOut));
            gameArt = $"game art: Debian {PortraitPackage} {portraits.Version} character portraits, the same treatment, " +
                $"{HeldOutPortraits} held out (first in SHA-256 order of '{PortraitPackage}/' + path)";
        }
        else
        {
            log.WriteLine($"  {PortraitPackage} not found under {packageRoot} ({Path.Combine(packageRoot, PortraitFolder)}): the set has no game art (portraits with faces).");
        }
        var files = written.Select(w => new DatasetBuilder.FileHash(Path.GetRelativePath(output, w.Path), w.Sha256)).ToList();
        var manifest = new DatasetBuilder.Manifest("art",
            $"Debian {Package} {version}: PNG drawings flattened on white, trimmed to their content, at least {MinimumSide} px a side; " +
            $"held out: the evaluation art's originals, then the first drawings in SHA-256 order of their package path; {gameArt}",
            training.Count, heldOut.Count, "none (order: SHA-256 of the package path)", "none (order: SHA-256 of the package path)",
            [], [], files, sources);
        File.WriteAllText(Path.Combine(output, "manifest.json"), JsonSerializer.Serialize(manifest, TrainingRecipe.JsonOptions));
        log.WriteLine($"data/art: {training.Count} training and {heldOut.Count} held-out images; manifest at {Path.Combine(output, "manifest.json")}.");
        return manifest;
    }

    /// <summary>The game portraits' fixed split (the art set's and the photo set's alike).</summary>
    public sealed record PortraitSplit(List<Written> Training, List<Written> HeldOut, string Version);

    /// <summary>
    /// The <see cref="PortraitPackage"/> portraits under the package root, split as the art set splits them: the first
    /// <see cref="HeldOutPortraits"/> in SHA-256 order of their package path held out, the rest (minus any painting whose
    /// bytes equal a held-out one's) written to <paramref name="trainFolder"/>. The held-out ones are written to
    /// <paramref name="heldOutFolder"/>, or only decided and never written when it is null. Null without the package.
    /// </summary>
    public PortraitSplit? WritePortraits(string trainFolder, string? heldOutFolder)
    {
        var portraits = Path.Combine(packageRoot, PortraitFolder);
        if (!Directory.Exists(portraits)) return null;
        var names = Directory.EnumerateFiles(portraits, "*.png", SearchOption.AllDirectories)
            .Where(p => new FileInfo(p).LinkTarget is null)
            .Select(p => Path.GetRelativePath(portraits, p).Replace('\\', '/'))
            .OrderBy(n => SplitKey(PortraitPackage + "/" + n), StringComparer.Ordinal).ToList();
        var heldOut = Write(portraits, names, HeldOutPortraits, heldOutFolder, "wesnoth-");
        var heldOutNames = heldOut.Select(p => p.Name).ToHashSet();
        var training = Write(portraits, names.Where(n => !heldOutNames.Contains(n)), int.MaxValue, trainFolder, "wesnoth-",
            heldOut.Select(p => p.SourceSha256).ToHashSet());
        return new PortraitSplit(training, heldOut, PackageVersion(PortraitPackage));
    }

    /// <summary>Manifest sources for written portraits: package path, package version and licence (GPL-2+).</summary>
    public static IEnumerable<DatasetBuilder.Source> PortraitSources(IEnumerable<Written> portraits, string split, string version) =>
        portraits.Select(w => Source(w, split, $"/{PortraitFolder}/", $"{PortraitPackage} {version}", $"GPL-2+ (/usr/share/doc/{PortraitPackage}/copyright)"));

    /// <summary>The order of the split: a hash of the path, so no folder or name prefix decides what is held out.</summary>
    public static string SplitKey(string packagePath) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(packagePath)));

    /// <summary>One image the builder wrote: its package-relative name, output path and the SHA-256 of output and source (path and output hash empty when only decided, not written).</summary>
    public sealed record Written(string Name, string Path, string Sha256, string SourceSha256);

    private static void Clear(string outputFolder)
    {
        Directory.CreateDirectory(outputFolder);
        foreach (var stale in Directory.EnumerateFiles(outputFolder, "*.png"))
        {
            File.Delete(stale);
        }
    }

    /// <summary>Flattens, trims and writes up to <paramref name="limit"/> images; with no output folder it only decides which (the same filters), writing nothing.</summary>
    private List<Written> Write(string folder, IEnumerable<string> names, int limit, string? outputFolder, string prefix, IReadOnlySet<string>? excludedBytes = null)
    {
        var written = new List<Written>();
        var seen = new HashSet<string>(excludedBytes ?? new HashSet<string>());
        foreach (var name in names)
        {
            if (written.Count >= limit) break;
            var sourcePath = Path.Combine(folder, name);
            var sourceBytes = File.ReadAllBytes(sourcePath);
            var sourceHash = Convert.ToHexStringLower(SHA256.HashData(sourceBytes));
            if (!seen.Add(sourceHash)) continue;
            using var drawing = Image.NewFromBuffer(sourceBytes);
            using var flat = Flatten(drawing);
            var box = flat.FindTrim(threshold: 10, background: [255.0, 255.0, 255.0]);
            var (left, top, width, height) = ((int)box[0], (int)box[1], (int)box[2], (int)box[3]);
            if (width < MinimumSide || height < MinimumSide) continue;
            if (outputFolder is null)
            {
                written.Add(new Written(name, "", "", sourceHash));
                continue;
            }
            using var trimmed = flat.Crop(left, top, width, height);
            var path = Path.Combine(outputFolder, prefix + name.Replace('/', '-'));
            trimmed.WriteToFile(path);
            written.Add(new Written(name, path, Convert.ToHexStringLower(SHA256.HashData(File.ReadAllBytes(path))), sourceHash));
        }
        log.WriteLine(outputFolder is null ? $"  {written.Count} images held out (not written)" : $"  {written.Count} drawings in {outputFolder}");
        return written;
    }

    private static Image Flatten(Image drawing)
    {
        using var srgb = drawing.Interpretation is Enums.Interpretation.Srgb or Enums.Interpretation.Rgb ? drawing.Copy() : drawing.Colourspace(Enums.Interpretation.Srgb);
        using var flat = srgb.HasAlpha() ? srgb.Flatten(background: [255.0, 255.0, 255.0]) : srgb.Copy();
        using var rgb = flat.Bands > 3 ? flat.ExtractBand(0, n: 3) : flat.Copy();
        return rgb.Cast(Enums.BandFormat.Uchar);
    }

    private static DatasetBuilder.Source Source(Written written, string split, string packageFolder, string package, string licence) =>
        new($"{written.Name} ({split}; source SHA-256 {written.SourceSha256})", packageFolder + written.Name, package, licence);

    /// <summary>The package version from its Debian changelog (present whether installed or unpacked with dpkg-deb -x).</summary>
    private string PackageVersion(string package)
    {
        var changelog = Path.Combine(packageRoot, "usr/share/doc", package, "changelog.Debian.gz");
        if (!File.Exists(changelog)) return "unknown version";
        using var reader = new StreamReader(new GZipStream(File.OpenRead(changelog), CompressionMode.Decompress));
        var first = reader.ReadLine() ?? "";
        var open = first.IndexOf('(');
        var close = first.IndexOf(')');
        return open >= 0 && close > open ? first[(open + 1)..close] : "unknown version";
    }
}
