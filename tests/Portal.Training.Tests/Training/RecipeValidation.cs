using Portal.Models.Degradation;
using Portal.Models.Evaluation;
using Portal.Training.Data;
using Portal.Training.Tests.Support;

namespace Portal.Training.Tests.Training;

public sealed class RecipeValidation
{
    [Fact]
    public void The_committed_recipes_load()
    {
        var recipes = Directory.GetFiles(Path.Combine(RepositoryPaths.Models, "recipes"), "*.json").Where(p => !p.EndsWith(".data-manifest.json", StringComparison.Ordinal)).ToList();
        Assert.NotEmpty(recipes);
        Assert.All(recipes, path => Assert.Equal(Path.GetFileNameWithoutExtension(path), TrainingRecipe.Load(path).Name));
    }

    [Fact]
    public void An_unknown_key_is_refused_with_a_sentence_naming_it()
    {
        var error = Load("""{ "name": "x", "architecture": { "type": "srvgg-compact", "scael": 2 }, "data": { "domain": "text" } }""");
        Assert.Contains("unknown key 'scael'", error.Message);
        Assert.Contains("bad.json", error.Message);
    }

    [Fact]
    public void The_photo_recipe_starts_from_the_shipped_compact_model_with_the_feature_loss()
    {
        var recipe = TrainingRecipe.Load(Path.Combine(RepositoryPaths.Models, "recipes", "photo-x4.json"));
        Assert.Equal(DegradationKind.RealWorld, recipe.Data.Degradation);
        Assert.True(recipe.Losses.Feature > 0);
        Assert.True(File.Exists(Path.Combine(RepositoryPaths.Root, recipe.InitFrom!)), $"{recipe.InitFrom} is not in the repository");
        Assert.Contains("photo", DatasetBuilder.Domains);
    }

    [Fact]
    public void A_misspelt_loss_and_a_negative_feature_weight_are_named()
    {
        Assert.Contains("unknown key 'perceptual'", Load("""{ "name": "x", "architecture": { "type": "srvgg-compact" }, "data": { "domain": "photo" }, "losses": { "perceptual": 1 } }""").Message);
        Assert.Contains("losses.feature must not be negative; it is -1.",
            Load("""{ "name": "x", "architecture": { "type": "srvgg-compact" }, "data": { "domain": "photo" }, "losses": { "feature": -1 } }""").Message);
        Assert.Contains("losses.mse must not be negative; it is -0.5.",
            Load("""{ "name": "x", "architecture": { "type": "srvgg-compact" }, "data": { "domain": "photo" }, "losses": { "mse": -0.5 } }""").Message);
    }

    [Fact]
    public void A_start_scale_that_is_not_a_multiple_of_the_architectures_is_refused()
    {
        var error = Load("""{ "name": "x", "architecture": { "type": "srvgg-compact", "scale": 3 }, "initFrom": "models/realesrgan-x4fast-x4.onnx", "initFromScale": 4, "data": { "domain": "photo", "cropSize": 63 } }""");
        Assert.Contains("initFromScale must be a multiple of architecture.scale 3 up to 8; it is 4.", error.Message);
        Assert.Contains("initFromScale needs initFrom",
            Load("""{ "name": "x", "architecture": { "type": "srvgg-compact", "scale": 2 }, "initFromScale": 4, "data": { "domain": "photo" } }""").Message);
    }

    [Fact]
    public void An_unknown_degradation_is_refused_naming_the_choices()
    {
        var error = Load("""{ "name": "x", "architecture": { "type": "srvgg-compact" }, "data": { "domain": "photo", "degradation": "harsh" } }""");
        Assert.Contains("data.degradation must be one of jpeg, real-world, tracks.", error.Message);
    }

    [Fact]
    public void Track_degradation_gives_each_pair_one_of_the_evaluation_tracks_plans()
    {
        var photo = RgbImage.Load(Path.Combine(RepositoryPaths.Models, "evaluation", "photos", "chelsea.png"));
        var recipe = new DataRecipe { Domain = "photo", CropSize = 64, CleanFraction = 0, Degradation = DegradationKind.Tracks };
        var pairs = new TrainingPairs([photo], recipe, scale: 4, seed: 7);
        var used = new HashSet<DegradationStrength>();
        for (var index = 0; index < 9; index++)
        {
            var (low, high) = pairs.Pair(step: 3, index);
            var seed = SeededRandom.SeedFrom($"7/3/{index}");
            var matches = new[] { DegradationStrength.Light, DegradationStrength.Medium, DegradationStrength.Heavy }
                .Where(s => Degrader.Degrade(high, DegradationPresets.For(s, 4), 4, seed).Planes.SequenceEqual(low.Planes)).ToList();
            Assert.Single(matches);
            used.Add(matches[0]);
            Assert.Equal(low.Planes, pairs.Pair(step: 3, index).Low.Planes);
        }
        Assert.True(used.Count >= 2, $"nine pairs drew only {string.Join(", ", used)}");
    }

    [Fact]
    public void Track_shares_weight_the_plans_and_bad_shares_are_named()
    {
        var photo = RgbImage.Load(Path.Combine(RepositoryPaths.Models, "evaluation", "photos", "chelsea.png"));
        var recipe = new DataRecipe { Domain = "photo", CropSize = 64, CleanFraction = 0, Degradation = DegradationKind.Tracks, TrackShares = [0, 0, 1] };
        var pairs = new TrainingPairs([photo], recipe, scale: 4, seed: 7);
        for (var index = 0; index < 4; index++)
        {
            var (low, high) = pairs.Pair(step: 5, index);
            var heavy = Degrader.Degrade(high, DegradationPresets.For(DegradationStrength.Heavy, 4), 4, SeededRandom.SeedFrom($"7/5/{index}"));
            Assert.Equal(heavy.Planes, low.Planes);
        }
        Assert.Contains("data.trackShares must be three non-negative shares [light, medium, heavy] with a positive sum; it is [1, -1, 2].",
            Load("""{ "name": "x", "architecture": { "type": "srvgg-compact" }, "data": { "domain": "art", "degradation": "tracks", "trackShares": [1, -1, 2] } }""").Message);
        Assert.Contains("data.trackShares only applies to the \"tracks\" degradation.",
            Load("""{ "name": "x", "architecture": { "type": "srvgg-compact" }, "data": { "domain": "art", "degradation": "jpeg", "trackShares": [1, 1, 2] } }""").Message);
    }

    [Fact]
    public void Emphasis_draws_its_share_of_crops_from_the_prefixed_images()
    {
        static RgbImage Flat(float value) => new(40, 40, Enumerable.Repeat(value, 3 * 40 * 40).ToArray());
        string[] names = ["clip-a.png", "wesnoth-b.png", "clip-c.png", "wesnoth-d.png"];
        RgbImage[] images = [Flat(0.1f), Flat(0.5f), Flat(0.2f), Flat(0.6f)];
        var recipe = new DataRecipe { Domain = "art", CropSize = 32, CleanFraction = 1, Emphasis = new EmphasisRecipe { Prefix = "wesnoth-", Share = 0.8 } };
        var pairs = new TrainingPairs(images, recipe, scale: 4, seed: 11, names);
        var favoured = Enumerable.Range(0, 400).Count(i => pairs.Pair(step: i / 4, i % 4).High.Planes[0] >= 0.5f);
        Assert.InRange(favoured, 290, 350);
        Assert.Equal(pairs.Pair(step: 9, 2).High.Planes, new TrainingPairs(images, recipe, scale: 4, seed: 11, names).Pair(step: 9, 2).High.Planes);

        var plain = new TrainingPairs(images, recipe with { Emphasis = null }, scale: 4, seed: 11);
        Assert.InRange(Enumerable.Range(0, 400).Count(i => plain.Pair(step: i / 4, i % 4).High.Planes[0] >= 0.5f), 160, 240);
    }

    [Fact]
    public void An_emphasis_that_matches_no_image_or_has_a_bad_share_is_refused_with_a_sentence()
    {
        var image = new RgbImage(40, 40, new float[3 * 40 * 40]);
        var recipe = new DataRecipe { Domain = "art", CropSize = 32, Emphasis = new EmphasisRecipe { Prefix = "portrait-", Share = 0.5 } };
        var none = Assert.Throws<TrainingException>(() => new TrainingPairs([image, image], recipe, scale: 4, seed: 1, ["clip-a.png", "wesnoth-b.png"]));
        Assert.Contains("data.emphasis.prefix 'portrait-' matches none of the 2 images of data/art/train", none.Message);
        var every = Assert.Throws<TrainingException>(() => new TrainingPairs([image], recipe, scale: 4, seed: 1, ["portrait-a.png"]));
        Assert.Contains("matches every image of data/art/train", every.Message);
        Assert.Contains("data.emphasis.share must be in (0, 1]; it is 0.",
            Load("""{ "name": "x", "architecture": { "type": "srvgg-compact" }, "data": { "domain": "art", "emphasis": { "prefix": "wesnoth-", "share": 0 } } }""").Message);
        Assert.Contains("unknown key 'weight'",
            Load("""{ "name": "x", "architecture": { "type": "srvgg-compact" }, "data": { "domain": "art", "emphasis": { "prefix": "wesnoth-", "weight": 2 } } }""").Message);
    }

    [Fact]
    public void A_photo_set_without_its_packages_is_refused_naming_them()
    {
        var empty = Directory.CreateTempSubdirectory("portal-photo-").FullName;
        try
        {
            var error = Assert.Throws<TrainingException>(() => new DatasetBuilder(Path.Combine(empty, "data"), RepositoryPaths.Root, TextWriter.Null, empty).Build("photo", 0, 0));
            Assert.Contains("mate-backgrounds", error.Message);
            Assert.Contains("--from ROOT", error.Message);
        }
        finally
        {
            Directory.Delete(empty, recursive: true);
        }
    }

    [Fact]
    public void A_missing_required_key_and_out_of_range_values_are_named()
    {
        Assert.Contains("data", Load("""{ "name": "x", "architecture": { "type": "srvgg-compact" } }""").Message);
        var error = Load("""{ "name": "x", "architecture": { "type": "srvgg-compact", "scale": 2 }, "data": { "domain": "text", "cropSize": 33 }, "steps": 0 }""");
        Assert.Contains("data.cropSize must be at least 8 and divide by the scale 2; it is 33.", error.Message);
        Assert.Contains("steps must be at least 1; it is 0.", error.Message);
    }

    [Fact]
    public void The_schedule_warms_up_then_decays_to_the_final_fraction()
    {
        var optimizer = new OptimizerRecipe { LearningRate = 1e-3, WarmupSteps = 10, FinalFraction = 0.1 };
        Assert.True(optimizer.LearningRateAt(0, 100) < optimizer.LearningRateAt(9, 100));
        Assert.Equal(1e-3, optimizer.LearningRateAt(10, 100), 9);
        Assert.Equal(1e-4, optimizer.LearningRateAt(100, 100), 9);
    }

    internal static TrainingException Load(string json)
    {
        var folder = Directory.CreateTempSubdirectory("portal-recipe-").FullName;
        try
        {
            var path = Path.Combine(folder, "bad.json");
            File.WriteAllText(path, json);
            return Assert.Throws<TrainingException>(() => TrainingRecipe.Load(path));
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }
}
