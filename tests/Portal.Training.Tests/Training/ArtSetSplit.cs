using Portal.Models.Degradation;
using Portal.Training.Data;
using Portal.Training.Tests.Support;

namespace Portal.Training.Tests.Training;

/// <summary>`portal data build art` on a small stand-in for Debian's openclipart-png unpacked with dpkg-deb -x.</summary>
public sealed class ArtSetSplit : IDisposable
{
    // The builder's fixed number of held-out portraits (docs/TRAINING.md, "Data: art domain").
    private const int HeldOutPortraits = 16;

    private readonly string root = Directory.CreateTempSubdirectory("portal-art-").FullName;

    [Fact]
    public void An_art_set_without_its_package_is_refused_naming_it()
    {
        var error = Assert.Throws<TrainingException>(() => Builder("data").Build("art", 4, 2));
        Assert.Contains("openclipart-png", error.Message);
        Assert.Contains("--from ROOT", error.Message);
    }

    [Fact]
    public void The_split_is_the_same_on_every_build_and_holds_out_the_evaluation_art()
    {
        var png = Path.Combine(root, "package", "usr", "share", "openclipart", "png");
        var names = new List<string> { "people/beach_trip_ganson.png", "animals/crawfish1_ganson.png" };
        names.AddRange(Enumerable.Range(0, 10).Select(i => $"{(i % 2 == 0 ? "people" : "food")}/drawing_{i}.png"));
        foreach (var name in names)
        {
            Save(png, name, TinyDataSet.Pattern(160, SeededRandom.SeedFrom(name)));
        }
        Save(png, "shapes/square.png", TinyDataSet.Pattern(160, 1)); // a pictogram folder: never used
        Save(png, "food/tiny.png", TinyDataSet.Pattern(100, 2)); // below the 128 px minimum
        File.Copy(Path.Combine(png, "people/beach_trip_ganson.png"), Path.Combine(png, "food/beach_copy.png")); // a held-out drawing's bytes again
        File.CreateSymbolicLink(Path.Combine(png, "food/linked.png"), "../people/drawing_0.png");

        var first = Builder("first").Build("art", 6, 4);
        var second = Builder("second").Build("art", 6, 4);

        Assert.Equal(first.Files, second.Files);
        Assert.Equal(6, first.TrainPages);
        Assert.Equal(4, first.HeldOutPages);
        var heldOut = first.Files.Where(f => f.Path.StartsWith("heldout", StringComparison.Ordinal)).Select(f => Path.GetFileName(f.Path)).ToList();
        Assert.Contains("people-beach_trip_ganson.png", heldOut);
        Assert.Contains("animals-crawfish1_ganson.png", heldOut);
        var training = first.Files.Where(f => f.Path.StartsWith("train", StringComparison.Ordinal)).ToList();
        Assert.Empty(training.Select(f => Path.GetFileName(f.Path)).Intersect(heldOut));
        Assert.DoesNotContain(first.Files, f => f.Path.Contains("beach_copy") || f.Path.Contains("square") || f.Path.Contains("tiny") || f.Path.Contains("linked"));
        Assert.Empty(training.Select(f => f.Sha256).Intersect(first.Files.Where(f => f.Path.StartsWith("heldout", StringComparison.Ordinal)).Select(f => f.Sha256)));
        Assert.All(first.Photos!, source => Assert.Contains("public domain", source.Licence));
        Assert.Equal(10, Directory.GetFiles(Path.Combine(root, "first", "art"), "*.png", SearchOption.AllDirectories).Length);
    }

    [Fact]
    public void Game_portraits_join_the_set_with_their_own_fixed_split_and_licence()
    {
        var png = Path.Combine(root, "package", "usr", "share", "openclipart", "png");
        foreach (var i in Enumerable.Range(0, 4))
        {
            Save(png, $"people/drawing_{i}.png", TinyDataSet.Pattern(160, SeededRandom.SeedFrom($"d{i}")));
        }
        var portraits = Path.Combine(root, "package", "usr", "share", "games", "wesnoth", "1.16", "data", "core", "images", "portraits");
        var names = Enumerable.Range(0, HeldOutPortraits + 5).Select(i => $"{(i % 2 == 0 ? "humans" : "elves")}/unit-{i}.png").ToList();
        foreach (var name in names)
        {
            Save(portraits, name, TinyDataSet.Pattern(160, SeededRandom.SeedFrom(name)));
        }
        File.Copy(Path.Combine(portraits, names[0]), Path.Combine(portraits, "humans/unit-copy.png")); // the same painting twice

        var first = Builder("first").Build("art", 2, 1);
        var second = Builder("second").Build("art", 2, 1);

        Assert.Equal(first.Files, second.Files);
        var heldOut = first.Files.Where(f => f.Path.StartsWith("heldout/wesnoth-", StringComparison.Ordinal)).ToList();
        var training = first.Files.Where(f => f.Path.StartsWith("train/wesnoth-", StringComparison.Ordinal)).ToList();
        Assert.Equal(HeldOutPortraits, heldOut.Count);
        Assert.Equal(names.Count - HeldOutPortraits, training.Count); // the copy of a painting, wherever it falls, is dropped
        Assert.Empty(training.Select(f => f.Sha256).Intersect(heldOut.Select(f => f.Sha256)));
        Assert.Equal(2 + training.Count, first.TrainPages);
        Assert.Equal(1 + heldOut.Count, first.HeldOutPages);
        var portraitSources = first.Photos!.Where(s => s.Package.StartsWith("wesnoth-1.16-data", StringComparison.Ordinal)).ToList();
        Assert.Equal(heldOut.Count + training.Count, portraitSources.Count);
        Assert.All(portraitSources, source => Assert.StartsWith("GPL-2+", source.Licence));
        Assert.All(portraitSources, source => Assert.StartsWith("/usr/share/games/wesnoth/1.16/data/core/images/portraits/", source.Path));
    }

    private DatasetBuilder Builder(string data) =>
        new(Path.Combine(root, data), RepositoryPaths.Root, TextWriter.Null, Path.Combine(root, "package"));

    private static void Save(string png, string name, Portal.Models.Evaluation.RgbImage image)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(Path.Combine(png, name))!);
        image.Save(Path.Combine(png, name));
    }

    public void Dispose() => Directory.Delete(root, recursive: true);
}
