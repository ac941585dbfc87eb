using System.Diagnostics;
using System.Globalization;
using System.Security.Cryptography;
using System.Text.Json;
using Portal.Models.Degradation;

namespace Portal.Training.Data;

/// <summary>
/// `portal data build DOMAIN`: writes data/DOMAIN/train and data/DOMAIN/heldout plus a licence
/// manifest. Nothing here is committed in bulk; the manifest (sources, licences, seeds, hashes) is
/// what a run records. The held-out pages use other seeds and other source texts than training,
/// so training never sees them, not even their sentences. <paramref name="portraitRoot"/> (photo only):
/// where Debian's wesnoth-1.16-data is, to add its training portraits to the photo set.
/// </summary>
public sealed class DatasetBuilder(string dataRoot, string repositoryRoot, TextWriter log, string packageRoot = "/", string? portraitRoot = null)
{
    public static IReadOnlyList<string> Domains { get; } = ["text", "photo", "art"];

    // Licence texts Debian installs with base-files: verbatim copying is permitted by each.
    private static readonly string[] TrainingTexts = ["GPL-3", "GPL-2", "LGPL-2.1", "GFDL-1.3", "Apache-2.0", "Artistic", "MPL-1.1"];
    private static readonly string[] HeldOutTexts = ["MPL-2.0", "LGPL-3", "BSD", "CC0-1.0", "GFDL-1.2"];

    // Faces whose letters are symbols (dingbats, maths): pages of them teach nothing about text.
    private static readonly string[] SymbolFonts = ["Math", "D050000L", "Standard Symbols"];

    public sealed record Manifest(string Domain, string Generator, int TrainPages, int HeldOutPages, string TrainSeeds, string HeldOutSeeds,
        IReadOnlyList<Source> Fonts, IReadOnlyList<Source> Texts, IReadOnlyList<FileHash> Files, IReadOnlyList<Source>? Photos = null);

    public sealed record Source(string Name, string Path, string Package, string Licence);

    public sealed record FileHash(string Path, string Sha256);

    public Manifest Build(string domain, int trainPages, int heldOutPages)
    {
        if (!Domains.Contains(domain))
        {
            throw new TrainingException($"Unknown data domain '{domain}'; known: {string.Join(", ", Domains)}.");
        }
        if (portraitRoot is not null && domain != "photo")
        {
            throw new TrainingException($"--portraits-from adds painted portraits to the photo set only; the {domain} set takes none (the art set has them already).");
        }
        if (domain == "photo")
        {
            return new PhotoSetBuilder(dataRoot, packageRoot, log, portraitRoot).Build();
        }
        if (domain == "art")
        {
            return new ArtSetBuilder(dataRoot, packageRoot, log).Build(trainPages, heldOutPages);
        }
        var fonts = InstalledFonts();
        if (fonts.Count == 0)
        {
            throw new TrainingException("No fonts found with fc-list; install a Debian font package such as fonts-dejavu-core.");
        }
        var trainTexts = LicenceTexts(TrainingTexts);
        var heldOutTexts = LicenceTexts(HeldOutTexts);
        var (trainCode, heldOutCode) = CodeLines();
        var families = fonts.Select(f => f.Name).Distinct().Order(StringComparer.Ordinal).ToList();
        var folder = Path.Combine(dataRoot, domain);
        var files = new List<FileHash>();
        files.AddRange(Render(new TextPageRenderer(families, new TextCorpus(Join(trainTexts), trainCode)), Path.Combine(folder, "train"), trainPages, "text/train"));
        files.AddRange(Render(new TextPageRenderer(families, new TextCorpus(Join(heldOutTexts), heldOutCode)), Path.Combine(folder, "heldout"), heldOutPages, "text/heldout"));
        var manifest = new Manifest(domain, $"TextPageRenderer {TextPageRenderer.Width}x{TextPageRenderer.Height}, libvips text (Pango) at 72 dpi, glyphs 11-44 px",
            trainPages, heldOutPages, "SeedFrom(\"text/train/{i}\")", "SeedFrom(\"text/heldout/{i}\")",
            fonts, [.. trainTexts.Select(t => t.Source with { Name = t.Source.Name + " (train)" }), .. heldOutTexts.Select(t => t.Source with { Name = t.Source.Name + " (held-out)" })],
            files.Select(f => f with { Path = Path.GetRelativePath(folder, f.Path) }).ToList());
        File.WriteAllText(Path.Combine(folder, "manifest.json"), JsonSerializer.Serialize(manifest, TrainingRecipe.JsonOptions));
        log.WriteLine($"data/{domain}: {trainPages} training and {heldOutPages} held-out pages from {families.Count} font faces; manifest at {Path.Combine(folder, "manifest.json")}.");
        return manifest;
    }

    private IEnumerable<FileHash> Render(TextPageRenderer renderer, string folder, int count, string seedPrefix)
    {
        Directory.CreateDirectory(folder);
        foreach (var stale in Directory.EnumerateFiles(folder, "page-*.png"))
        {
            File.Delete(stale);
        }
        for (var i = 0; i < count; i++)
        {
            var path = Path.Combine(folder, $"page-{i:D4}.png");
            renderer.Render(SeededRandom.SeedFrom($"{seedPrefix}/{i}")).Save(path);
            yield return new FileHash(path, Convert.ToHexStringLower(SHA256.HashData(File.ReadAllBytes(path))));
        }
        log.WriteLine($"  {count} pages in {folder}");
    }

    private static string Join(IEnumerable<(Source Source, string Text)> texts) => string.Join("\n", texts.Select(t => t.Text));

    private static List<(Source Source, string Text)> LicenceTexts(IEnumerable<string> names)
    {
        var found = names.Select(n => Path.Combine("/usr/share/common-licenses", n)).Where(File.Exists)
            .Select(p => (new Source(Path.GetFileName(p), p, "base-files", "verbatim copying permitted by the text itself"), File.ReadAllText(p))).ToList();
        if (found.Count == 0)
        {
            throw new TrainingException("No licence texts under /usr/share/common-licenses (Debian's base-files); they are the prose the text pages render.");
        }
        return found;
    }

    /// <summary>Code lines from this repository's own sources: the engine's for training, the web core's for held-out pages.</summary>
    private (List<string> Train, List<string> HeldOut) CodeLines()
    {
        static List<string> Lines(string folder) => Directory.Exists(folder)
            ? Directory.EnumerateFiles(folder, "*.cs", SearchOption.AllDirectories).Order(StringComparer.Ordinal)
                .SelectMany(File.ReadLines).Where(l => l.Trim().Length > 0).ToList()
            : [];
        var train = Lines(Path.Combine(repositoryRoot, "src", "Portal.Engine"));
        var heldOut = Lines(Path.Combine(repositoryRoot, "src", "Portal.Core"));
        return (train.Count > 0 ? train : ["int x = 0;"], heldOut.Count > 0 ? heldOut : ["var y = 1;"]);
    }

    /// <summary>Every font face fontconfig knows, with the Debian package that installed it and its copyright file.</summary>
    private static List<Source> InstalledFonts()
    {
        var lines = RunProcess("fc-list", "--format=%{family[0]}|%{style[0]}|%{file}\\n");
        var fonts = new List<Source>();
        foreach (var line in lines.Split('\n', StringSplitOptions.RemoveEmptyEntries).Order(StringComparer.Ordinal))
        {
            var parts = line.Split('|');
            if (parts.Length != 3 || !parts[2].StartsWith("/usr/share/fonts/", StringComparison.Ordinal) || SymbolFonts.Any(parts[0].Contains)) continue;
            var package = RunProcess("dpkg", "-S " + parts[2]).Split(':')[0].Trim();
            var copyright = package.Length > 0 ? $"/usr/share/doc/{package}/copyright" : "unknown";
            fonts.Add(new Source(parts[0], parts[2], package, copyright));
        }
        return fonts;
    }

    private static string RunProcess(string file, string arguments)
    {
        try
        {
            using var process = Process.Start(new ProcessStartInfo(file, arguments) { RedirectStandardOutput = true, RedirectStandardError = true })!;
            var output = process.StandardOutput.ReadToEnd();
            process.WaitForExit();
            return output;
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return "";
        }
    }

    public static string Describe(Manifest manifest) => string.Create(CultureInfo.InvariantCulture,
        $"{manifest.Domain}: {manifest.TrainPages} train, {manifest.HeldOutPages} held-out, {manifest.Fonts.Count} font faces");
}
