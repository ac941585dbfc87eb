using Portal.Models.Degradation;
using Portal.Models.Evaluation;
using Portal.Training.Data;
using Portal.Training.Tests.Support;

namespace Portal.Training.Tests.Training;

/// <summary>data.mix: a share of the crops from a second domain, trained towards the original crop or the start's output.</summary>
public sealed class MixedDomain
{
    private static RgbImage Flat(float value) => new(40, 40, Enumerable.Repeat(value, 3 * 40 * 40).ToArray());

    [Fact]
    public void Mix_draws_its_share_of_crops_from_the_second_domain_and_says_which_pairs_they_are()
    {
        RgbImage[] own = [Flat(0.1f), Flat(0.2f)];
        RgbImage[] other = [Flat(0.7f), Flat(0.8f), Flat(0.9f)];
        var recipe = new DataRecipe { Domain = "art", CropSize = 32, CleanFraction = 1, Mix = new MixRecipe { Domain = "photo", Share = 0.3 } };
        var pairs = new TrainingPairs(own, recipe, scale: 4, seed: 11, mixImages: other);

        var mixed = 0;
        for (var step = 0; step < 100; step++)
        {
            var flags = pairs.MixedPairs(step, 4);
            for (var index = 0; index < 4; index++)
            {
                var fromOther = pairs.Pair(step, index).High.Planes[0] >= 0.5f;
                Assert.Equal(fromOther, flags[index]);
                mixed += fromOther ? 1 : 0;
            }
        }
        Assert.InRange(mixed, 90, 150);
        Assert.Equal(pairs.Pair(7, 3).High.Planes, new TrainingPairs(own, recipe, scale: 4, seed: 11, mixImages: other).Pair(7, 3).High.Planes);
        Assert.All(Enumerable.Range(0, 20), step => Assert.DoesNotContain(true, new TrainingPairs(own, recipe with { Mix = null }, 4, 11).MixedPairs(step, 4)));
    }

    [Fact]
    public void Mixed_crops_take_their_own_track_shares()
    {
        var photo = RgbImage.Load(Path.Combine(RepositoryPaths.Models, "evaluation", "photos", "chelsea.png"));
        var art = RgbImage.Load(Path.Combine(RepositoryPaths.Models, "evaluation", "art", "boy.png"));
        var recipe = new DataRecipe
        {
            Domain = "art", CropSize = 64, CleanFraction = 0, Degradation = DegradationKind.Tracks, TrackShares = [0, 0, 1],
            Mix = new MixRecipe { Domain = "photo", Share = 0.5, TrackShares = [1, 0, 0] },
        };
        var pairs = new TrainingPairs([art], recipe, scale: 2, seed: 7, mixImages: [photo]);
        var flags = Enumerable.Range(0, 12).SelectMany(step => pairs.MixedPairs(step, 2).Select((mixed, index) => (step, index, mixed))).ToList();
        Assert.Contains(flags, f => f.mixed);
        Assert.Contains(flags, f => !f.mixed);
        foreach (var (step, index, mixed) in flags)
        {
            var (low, high) = pairs.Pair(step, index);
            var expected = Degrader.Degrade(high, DegradationPresets.For(mixed ? DegradationStrength.Light : DegradationStrength.Heavy, 2), 2,
                SeededRandom.SeedFrom($"7/{step}/{index}"));
            Assert.Equal(expected.Planes, low.Planes);
        }
        Assert.Contains("data.mix.trackShares only applies to the \"tracks\" degradation.",
            RecipeValidation.Load("""{ "name": "x", "architecture": { "type": "srvgg-compact" }, "data": { "domain": "art", "mix": { "domain": "photo", "trackShares": [1, 1, 0] } } }""").Message);
        Assert.Contains("data.mix.trackShares must be three non-negative shares",
            RecipeValidation.Load("""{ "name": "x", "architecture": { "type": "srvgg-compact" }, "data": { "domain": "art", "degradation": "tracks", "mix": { "domain": "photo", "trackShares": [1, 1] } } }""").Message);
    }

    [Fact]
    public void Mixed_crops_trained_towards_the_start_keep_its_output_on_that_domain()
    {
        using var data = new TinyDataSet();
        var otherFolder = Path.Combine(data.DataRoot, "other", "train");
        Directory.CreateDirectory(otherFolder);
        for (var i = 0; i < 4; i++)
        {
            TinyDataSet.Pattern(48, SeededRandom.SeedFrom($"other/{i}")).Save(Path.Combine(otherFolder, $"other-{i}.png"));
        }
        var startPath = Path.Combine(data.Root, "start.onnx");
        TinyNetwork.WriteStart(startPath, 13);
        var recipe = TinyDataSet.Recipe("mixed", steps: 20) with { InitFrom = startPath, EmaDecay = 0 };
        var mix = new MixRecipe { Domain = "other", Share = 0.9 };
        var towardsOriginal = new Trainer(recipe with { Name = "towards-original", Data = recipe.Data with { Mix = mix } }, data.Options(), TextWriter.Null).Run();
        var towardsStart = new Trainer(recipe with { Name = "towards-start", Data = recipe.Data with { Mix = mix with { Target = MixTarget.Start } } },
            data.Options(), TextWriter.Null).Run();

        var probe = TinyDataSet.Pattern(24, SeededRandom.SeedFrom("other/0"));
        var originalDistance = TinyNetwork.Distance(towardsOriginal.ModelPath, startPath, probe);
        var startDistance = TinyNetwork.Distance(towardsStart.ModelPath, startPath, probe);
        Assert.True(originalDistance > 0.01, $"the run trained towards the originals moved its output by only {originalDistance:F5}; too little to compare");
        Assert.True(startDistance < originalDistance * 0.5,
            $"trained towards the start, the output on the mixed-in domain moved by {startDistance:F5}; towards the originals by {originalDistance:F5}; expected under half");
    }

    [Fact]
    public void A_bad_mix_is_refused_with_a_sentence()
    {
        Assert.Contains("data.mix.domain 'art' is the recipe's own domain; name a second one.",
            RecipeValidation.Load("""{ "name": "x", "architecture": { "type": "srvgg-compact" }, "data": { "domain": "art", "mix": { "domain": "art" } } }""").Message);
        Assert.Contains("data.mix.share must be in (0, 1); it is 1.",
            RecipeValidation.Load("""{ "name": "x", "architecture": { "type": "srvgg-compact" }, "data": { "domain": "art", "mix": { "domain": "photo", "share": 1 } } }""").Message);
        Assert.Contains("data.mix.target \"start\" needs initFrom",
            RecipeValidation.Load("""{ "name": "x", "architecture": { "type": "srvgg-compact" }, "data": { "domain": "art", "mix": { "domain": "photo", "target": "start" } } }""").Message);
        Assert.Contains("unknown key 'weight'",
            RecipeValidation.Load("""{ "name": "x", "architecture": { "type": "srvgg-compact" }, "data": { "domain": "art", "mix": { "domain": "photo", "weight": 2 } } }""").Message);

        using var data = new TinyDataSet();
        var recipe = TinyDataSet.Recipe("missing-mix", steps: 1);
        var missing = Assert.Throws<TrainingException>(() => TrainingPairs.ForRecipe(data.DataRoot, recipe with { Data = recipe.Data with { Mix = new MixRecipe { Domain = "photo" } } }));
        Assert.Contains("The data set 'photo' is missing", missing.Message);
        Assert.Contains("portal data build photo", missing.Message);
    }
}
