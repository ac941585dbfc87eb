using System.Security.Cryptography;
using System.Text.Json;
using NetVips;

namespace Portal.Training.Data;

/// <summary>
/// `portal data build photo`: photographs from Debian's wallpaper packages, each shrunk with
/// lanczos3 (as the evaluation photos are) and saved as PNG. The held-out split is fixed: it is
/// exactly the wallpapers the evaluation set (models/evaluation/photos, make-photos.cs) is cut
/// from, so a model trained here is never judged on a picture it saw. The packages may be
/// installed ("/") or unpacked with `dpkg-deb -x PACKAGE.deb ROOT` (`--from ROOT`).
/// With a portrait root (`--portraits-from ROOT`), the painted character portraits of Debian's
/// wesnoth-1.16-data join the training split as the art set splits them (the same files as
/// data/art/train/wesnoth-*.png): faces for the face-drift rule, which the wallpapers lack. The
/// portraits the art set holds out are decided and never written.
/// </summary>
public sealed class PhotoSetBuilder(string dataRoot, string packageRoot, TextWriter log, string? portraitRoot = null)
{
    private const string Mate = "mate-backgrounds";
    private const string Plasma = "plasma-workspace-wallpapers";

    // Photographs only: the packages' renders and vector art (Flow, Honeywave, Canopee...) are left out.
    private static readonly (string Package, string Path)[] Training =
    [
        (Mate, "usr/share/backgrounds/mate/nature/Aqua.jpg"),
        (Mate, "usr/share/backgrounds/mate/nature/Blinds.jpg"),
        (Mate, "usr/share/backgrounds/mate/nature/FreshFlower.jpg"),
        (Mate, "usr/share/backgrounds/mate/nature/Garden.jpg"),
        (Mate, "usr/share/backgrounds/mate/nature/RainDrops.jpg"),
        (Mate, "usr/share/backgrounds/mate/nature/Storm.jpg"),
        (Mate, "usr/share/backgrounds/mate/nature/TwoWings.jpg"),
        (Plasma, "usr/share/wallpapers/BytheWater/contents/images/2560x1600.jpg"),
        (Plasma, "usr/share/wallpapers/ColdRipple/contents/images/2560x1600.jpg"),
        (Plasma, "usr/share/wallpapers/ColorfulCups/contents/images/2560x1600.jpg"),
        (Plasma, "usr/share/wallpapers/DarkestHour/contents/images/2560x1600.jpg"),
        (Plasma, "usr/share/wallpapers/Grey/contents/images/2560x1600.jpg"),
        (Plasma, "usr/share/wallpapers/Kite/contents/images/2560x1600.jpg"),
        (Plasma, "usr/share/wallpapers/summer_1am/contents/images/2560x1600.jpg"),
    ];

    // The sources of models/evaluation/photos: held out, never trained on.
    private static readonly (string Package, string Path)[] HeldOut =
    [
        (Mate, "usr/share/backgrounds/mate/nature/Dune.jpg"),
        (Mate, "usr/share/backgrounds/mate/nature/GreenMeadow.jpg"),
        (Mate, "usr/share/backgrounds/mate/nature/LadyBird.jpg"),
        (Mate, "usr/share/backgrounds/mate/nature/YellowFlower.jpg"),
        (Mate, "usr/share/backgrounds/mate/nature/Wood.jpg"),
        (Plasma, "usr/share/wallpapers/EveningGlow/contents/images/2560x1600.jpg"),
        (Plasma, "usr/share/wallpapers/Path/contents/images/2560x1600.jpg"),
        (Plasma, "usr/share/wallpapers/FallenLeaf/contents/images/2560x1600.jpg"),
        (Plasma, "usr/share/wallpapers/OneStandsOut/contents/images/2560x1600.jpg"),
    ];

    /// <summary>Every wallpaper the set reads (training, then held-out), relative to the package root.</summary>
    public static IReadOnlyList<string> SourcePaths { get; } = [.. Training.Concat(HeldOut).Select(s => s.Path)];

    /// <summary>Training photos at two sizes (1/4 as the evaluation photos, and 1/2 for more texture per crop); held-out at 1/4.</summary>
    private static readonly double[] TrainingShrinks = [0.25, 0.5];

    public DatasetBuilder.Manifest Build()
    {
        var missing = Training.Concat(HeldOut).Select(s => Path.Combine(packageRoot, s.Path)).Where(p => !File.Exists(p)).ToList();
        if (missing.Count > 0)
        {
            throw new TrainingException(
                $"The photo set needs Debian's {Mate} and {Plasma} packages; {missing.Count} source files are missing under {packageRoot} " +
                $"(first: {missing[0]}). Install them, or `apt-get download {Mate} {Plasma}`, unpack each with `dpkg-deb -x FILE.deb ROOT` and pass --from ROOT.");
        }
        var portraitSet = portraitRoot is null ? null : new ArtSetBuilder(dataRoot, portraitRoot, log);
        var portraitFolder = Path.Combine(portraitRoot ?? "/", ArtSetBuilder.PortraitFolder);
        if (portraitSet is not null && !Directory.Exists(portraitFolder))
        {
            throw new TrainingException(
                $"--portraits-from needs Debian's {ArtSetBuilder.PortraitPackage} package; {portraitFolder} does not exist. Install it, or " +
                $"`apt-get download {ArtSetBuilder.PortraitPackage}`, unpack it with `dpkg-deb -x FILE.deb ROOT` and pass --portraits-from ROOT.");
        }
        var folder = Path.Combine(dataRoot, "photo");
        var training = Write(Training, TrainingShrinks, Path.Combine(folder, "train"));
        var files = training.Concat(Write(HeldOut, [0.25], Path.Combine(folder, "heldout"))).ToList();
        var sources = Training.Select(s => Source(s, "train")).Concat(HeldOut.Select(s => Source(s, "held-out"))).ToList();
        var generator = "Debian wallpaper photographs, lanczos3 shrink (libvips) to 1/4 and 1/2 (training) or 1/4 (held-out), PNG";
        var trainCount = training.Count;
        var portraits = portraitSet?.WritePortraits(Path.Combine(folder, "train"), heldOutFolder: null);
        if (portraits is not null)
        {
            files.InsertRange(training.Count, portraits.Training.Select(p => new DatasetBuilder.FileHash(p.Path, p.Sha256)));
            sources.InsertRange(Training.Length, ArtSetBuilder.PortraitSources(portraits.Training, "train", portraits.Version));
            trainCount += portraits.Training.Count;
            generator += $"; plus {portraits.Training.Count} painted character portraits of Debian {ArtSetBuilder.PortraitPackage} {portraits.Version} " +
                $"(train/wesnoth-*.png, GPL-2+), the art set's training portraits: flattened on white, trimmed, at the package's size; " +
                $"the {portraits.HeldOut.Count} it holds out are never written";
        }
        var manifest = new DatasetBuilder.Manifest("photo", generator,
            trainCount, HeldOut.Length, "none (no randomness)", "none (no randomness)",
            [], [], files.Select(f => f with { Path = Path.GetRelativePath(folder, f.Path) }).ToList(), sources);
        File.WriteAllText(Path.Combine(folder, "manifest.json"), JsonSerializer.Serialize(manifest, TrainingRecipe.JsonOptions));
        log.WriteLine($"data/photo: {manifest.TrainPages} training images from {Training.Length} photographs{(portraits is null ? "" : $" and {portraits.Training.Count} portraits")}, {HeldOut.Length} held-out; manifest at {Path.Combine(folder, "manifest.json")}.");
        return manifest;
    }

    private DatasetBuilder.Source Source((string Package, string Path) source, string split)
    {
        var name = Path.GetFileName(source.Path) == "2560x1600.jpg" ? source.Path.Split('/')[3] : Path.GetFileNameWithoutExtension(source.Path);
        // Both packages' copyright files give every image as GPL-2+ (plasma's metadata.json files also say LGPL-3).
        var licence = $"GPL-2+ (/usr/share/doc/{source.Package}/copyright)";
        return new DatasetBuilder.Source($"{name} ({split})", "/" + source.Path, source.Package, licence);
    }

    private List<DatasetBuilder.FileHash> Write((string Package, string Path)[] sources, double[] shrinks, string folder)
    {
        Directory.CreateDirectory(folder);
        foreach (var stale in Directory.EnumerateFiles(folder, "*.png"))
        {
            File.Delete(stale);
        }
        var written = new List<DatasetBuilder.FileHash>();
        foreach (var source in sources)
        {
            var name = Path.GetFileName(source.Path) == "2560x1600.jpg" ? source.Path.Split('/')[3] : Path.GetFileNameWithoutExtension(source.Path);
            using var original = Image.NewFromFile(Path.Combine(packageRoot, source.Path));
            foreach (var shrink in shrinks)
            {
                using var small = original.Resize(shrink, kernel: Enums.Kernel.Lanczos3);
                using var rgb = small.Bands > 3 ? small.ExtractBand(0, n: 3) : small.Copy();
                var path = Path.Combine(folder, $"{name.ToLowerInvariant()}-{(int)Math.Round(1 / shrink)}.png");
                rgb.WriteToFile(path);
                written.Add(new DatasetBuilder.FileHash(path, Convert.ToHexStringLower(SHA256.HashData(File.ReadAllBytes(path)))));
            }
        }
        log.WriteLine($"  {written.Count} images in {folder}");
        return written;
    }
}
