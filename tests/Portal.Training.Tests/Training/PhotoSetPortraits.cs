using Portal.Models.Degradation;
using Portal.Training.Data;
using Portal.Training.Tests.Support;

namespace Portal.Training.Tests.Training;

/// <summary>
/// `portal data build photo --portraits-from ROOT` on small stand-ins for Debian's wallpaper packages and
/// wesnoth-1.16-data unpacked with dpkg-deb -x: the photo set gains exactly the art set's training portraits.
/// </summary>
public sealed class PhotoSetPortraits : IDisposable
{
    // The art builder's fixed number of held-out portraits (docs/TRAINING.md, "Data: art domain").
    private const int HeldOutPortraits = 16;

    private readonly string root = Directory.CreateTempSubdirectory("portal-photo-").FullName;

    private string Wallpapers => Path.Combine(root, "wallpapers");

    private string Games => Path.Combine(root, "games");

    [Fact]
    public void The_photo_set_gains_the_art_sets_training_portraits_with_their_licence_and_never_a_held_out_one()
    {
        MakeWallpapers();
        var names = MakePortraits(HeldOutPortraits + 6);
        var openclipart = Path.Combine(Games, "usr", "share", "openclipart", "png", "people");
        Directory.CreateDirectory(openclipart);
        TinyDataSet.Pattern(160, 3).Save(Path.Combine(openclipart, "drawing.png")); // the art builder needs its main package too

        var plain = Builder("plain").Build("photo", 0, 0);
        var photo = Builder("photo", Games).Build("photo", 0, 0);
        var again = Builder("again", Games).Build("photo", 0, 0);
        var art = new DatasetBuilder(Path.Combine(root, "art"), RepositoryPaths.Root, TextWriter.Null, Games).Build("art", 1, 1);

        Assert.Equal(photo.Files, again.Files);
        var artTraining = art.Files.Where(f => f.Path.StartsWith("train/wesnoth-", StringComparison.Ordinal)).ToList();
        var artHeldOut = art.Files.Where(f => f.Path.StartsWith("heldout/wesnoth-", StringComparison.Ordinal)).ToList();
        var portraits = photo.Files.Where(f => Path.GetFileName(f.Path).StartsWith("wesnoth-", StringComparison.Ordinal)).ToList();
        Assert.Equal(HeldOutPortraits, artHeldOut.Count);
        Assert.Equal(names.Count - HeldOutPortraits, portraits.Count);
        Assert.Equal(artTraining, portraits); // same names under train/, same bytes
        Assert.Empty(portraits.Select(f => f.Sha256).Intersect(artHeldOut.Select(f => f.Sha256)));
        var written = Directory.GetFiles(Path.Combine(root, "photo", "photo"), "wesnoth-*", SearchOption.AllDirectories).Select(Path.GetFileName).ToList();
        Assert.Equal(portraits.Select(f => Path.GetFileName(f.Path)).Order(StringComparer.Ordinal), written.Order(StringComparer.Ordinal));
        Assert.Empty(written.Intersect(artHeldOut.Select(f => Path.GetFileName(f.Path))));

        Assert.Equal(plain.Files, photo.Files.Except(portraits));
        Assert.Equal(plain.TrainPages + portraits.Count, photo.TrainPages);
        Assert.Equal(plain.HeldOutPages, photo.HeldOutPages);
        var portraitSources = photo.Photos!.Where(s => s.Package.StartsWith("wesnoth-1.16-data", StringComparison.Ordinal)).ToList();
        Assert.Equal(portraits.Count, portraitSources.Count);
        Assert.All(portraitSources, source => Assert.StartsWith("GPL-2+", source.Licence));
        Assert.All(portraitSources, source => Assert.Contains("(train;", source.Name));
        Assert.Equal(art.Photos!.Where(s => s.Package.StartsWith("wesnoth-1.16-data", StringComparison.Ordinal) && s.Name.Contains("(train;")), portraitSources);
        Assert.Contains("wesnoth-1.16-data", photo.Generator);
        Assert.DoesNotContain("wesnoth", plain.Generator);
    }

    [Fact]
    public void A_portrait_root_without_the_game_package_or_for_another_domain_is_refused()
    {
        MakeWallpapers();
        Directory.CreateDirectory(Games);

        var missing = Assert.Throws<TrainingException>(() => Builder("photo", Games).Build("photo", 0, 0));
        Assert.Contains("wesnoth-1.16-data", missing.Message);
        Assert.Contains("--portraits-from ROOT", missing.Message);
        Assert.False(Directory.Exists(Path.Combine(root, "photo", "photo")), "nothing is written before the refusal");

        var art = Assert.Throws<TrainingException>(() => Builder("art", Games).Build("art", 1, 1));
        Assert.Contains("photo set only", art.Message);
    }

    private DatasetBuilder Builder(string data, string? portraits = null) =>
        new(Path.Combine(root, data), RepositoryPaths.Root, TextWriter.Null, Wallpapers, portraits);

    private void MakeWallpapers()
    {
        foreach (var path in PhotoSetBuilder.SourcePaths)
        {
            var file = Path.Combine(Wallpapers, path);
            Directory.CreateDirectory(Path.GetDirectoryName(file)!);
            TinyDataSet.Pattern(64, SeededRandom.SeedFrom(path)).Save(file);
        }
    }

    private List<string> MakePortraits(int count)
    {
        var folder = Path.Combine(Games, "usr", "share", "games", "wesnoth", "1.16", "data", "core", "images", "portraits");
        var names = Enumerable.Range(0, count).Select(i => $"{(i % 2 == 0 ? "humans" : "elves")}/unit-{i}.png").ToList();
        foreach (var name in names)
        {
            var file = Path.Combine(folder, name);
            Directory.CreateDirectory(Path.GetDirectoryName(file)!);
            TinyDataSet.Pattern(160, SeededRandom.SeedFrom(name)).Save(file);
        }
        return names;
    }

    public void Dispose() => Directory.Delete(root, recursive: true);
}
