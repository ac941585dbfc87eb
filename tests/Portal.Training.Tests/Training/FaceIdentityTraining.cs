using Portal.Training.Data;
using Portal.Training.Losses;
using Portal.Training.Tests.Support;
using static TorchSharp.torch;

namespace Portal.Training.Tests.Training;

/// <summary>losses.face and data.faceBatch: face crops go through the generator each step and the identity term moves it.</summary>
public sealed class FaceIdentityTraining
{
    private static TrainingRecipe Recipe(string name, double face, int steps = 30) => new()
    {
        Name = name,
        Seed = 3,
        Architecture = new ArchitectureRecipe { Type = ArchitectureKind.SrvggCompact, Scale = 2, Features = 8, Convolutions = 2 },
        Data = new DataRecipe { Domain = FaceDataSet.Domain, CropSize = 32, CleanFraction = 0.5, JpegQuality = [40, 90], FaceBatch = 2 },
        Losses = new LossRecipe { L1 = 1, Face = face },
        Optimizer = new OptimizerRecipe { LearningRate = 5e-3, WarmupSteps = 2 },
        Steps = steps,
        BatchSize = 2,
        EmaDecay = 0,
        CheckpointEvery = 5,
        PreviewEvery = 1000,
    };

    private static TrainingOptions Options(FaceDataSet data, int? stopAt = null, bool resume = false) => new()
    {
        RepositoryRoot = RepositoryPaths.Root,
        DataRoot = data.DataRoot,
        RunsRoot = Path.Combine(data.Root, "runs"),
        StopAtStep = stopAt,
        Resume = resume,
        WritePictures = false,
    };

    /// <summary>The exported model's mean identity distance on every face crop of the set, shrunk cleanly by the scale.</summary>
    private static double Identity(string modelPath, FaceDataSet data, TrainingRecipe recipe)
    {
        var set = FaceSet.Load(data.DataRoot, FaceDataSet.Domain);
        using var network = recipe.Architecture.Create();
        network.LoadOnnx(File.ReadAllBytes(modelPath), recipe.Name);
        network.eval();
        using var loss = FaceIdentityLoss.Load(RepositoryPaths.Models);
        using var _ = no_grad();
        var pairs = new TrainingPairs(set.LoadImages(data.DataRoot), recipe.Data with { CropSize = set.Size, CleanFraction = 1, Emphasis = null }, 2, 99);
        var (low, high) = pairs.Batch(0, 8);
        return loss.Distance(network.call(low), high, set.Margin).item<float>();
    }

    [Fact]
    public void The_face_term_lowers_the_identity_distance_on_the_face_crops()
    {
        using var data = new FaceDataSet();
        data.Build();
        var withFaces = new Trainer(Recipe("with-face", face: 2), Options(data), TextWriter.Null).Run();
        var withoutFaces = new Trainer(Recipe("without-face", face: 0), Options(data), TextWriter.Null).Run();
        Assert.All(withFaces.History, h => Assert.NotNull(h.FaceIdentity));
        Assert.All(withoutFaces.History, h => Assert.Null(h.FaceIdentity));
        var early = withFaces.History.Take(5).Average(h => h.FaceIdentity!.Value);
        var late = withFaces.History.TakeLast(5).Average(h => h.FaceIdentity!.Value);
        Assert.True(late < early * 0.95, $"the identity distance on the step's faces went from {early:F3} to {late:F3}; expected a fall of at least 5%.");
        var trained = Identity(withFaces.ModelPath, data, Recipe("with-face", 2));
        var untaught = Identity(withoutFaces.ModelPath, data, Recipe("without-face", 0));
        Assert.True(trained < untaught, $"with the face term the faces are {trained:F3} from the originals, without it {untaught:F3}");
    }

    [Fact]
    public void A_run_with_the_face_term_resumes_exactly()
    {
        using var data = new FaceDataSet();
        data.Build();
        var recipe = Recipe("face-resume", face: 1, steps: 8);
        var uninterrupted = new Trainer(recipe, Options(data), TextWriter.Null).Run();
        Directory.Delete(uninterrupted.RunFolder, recursive: true);
        new Trainer(recipe, Options(data, stopAt: 5), TextWriter.Null).Run();
        var resumed = new Trainer(recipe, Options(data, resume: true), TextWriter.Null).Run();
        Assert.Equal(uninterrupted.History.Select(h => (h.Loss, h.FaceIdentity)), resumed.History.Select(h => (h.Loss, h.FaceIdentity)));
        Assert.Equal(File.ReadAllBytes(uninterrupted.ModelPath), File.ReadAllBytes(resumed.ModelPath));
    }

    [Fact]
    public void A_face_weight_without_a_face_set_or_face_batch_is_refused()
    {
        using var data = new FaceDataSet();
        var missing = Assert.Throws<TrainingException>(() => new Trainer(Recipe("no-faces", face: 1), Options(data), TextWriter.Null).Run());
        Assert.Contains(Path.Combine(data.DataRoot, FaceDataSet.Domain, "faces"), missing.Message, StringComparison.Ordinal);
        Assert.Contains("`portal data faces portraits`", missing.Message, StringComparison.Ordinal);
        var recipe = Recipe("no-batch", face: 1) with { Data = Recipe("x", 1).Data with { FaceBatch = 0 } };
        Assert.Contains("losses.face needs data.faceBatch of at least 1 (face crops per step).", recipe.Problems());
        Assert.Contains("losses.face must not be negative; it is -1.", (Recipe("negative", face: -1)).Problems());
    }
}
