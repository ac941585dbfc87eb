using System.Text.Json;
using static TorchSharp.torch;

namespace Portal.Training;

/// <summary>
/// Everything a run needs to continue exactly where it stopped: generator, EMA and discriminator
/// weights, both optimizers' moments, the step and the loss history. Written to a temporary folder
/// and renamed into place, so a run killed mid-save keeps its previous checkpoint.
/// </summary>
public static class Checkpoint
{
    public sealed record State(int Step, List<StepRecord> History);

    public sealed record StepRecord(int Step, double Loss, double L1, double LearningRate, double Seconds, long RssBytes, double DataSeconds = 0, double? FaceIdentity = null);

    public static string FolderOf(string runFolder) => Path.Combine(runFolder, "checkpoint");

    public static void Save(string runFolder, State state, nn.Module generator, nn.Module ema, optim.Optimizer optimizer,
        nn.Module? discriminator, optim.Optimizer? discriminatorOptimizer)
    {
        var folder = FolderOf(runFolder);
        var temporary = folder + ".tmp";
        if (Directory.Exists(temporary))
        {
            Directory.Delete(temporary, recursive: true);
        }
        Directory.CreateDirectory(temporary);
        generator.save(Path.Combine(temporary, "generator.dat"));
        ema.save(Path.Combine(temporary, "ema.dat"));
        SaveOptimizer(optimizer, Path.Combine(temporary, "optimizer.dat"));
        if (discriminator is not null && discriminatorOptimizer is not null)
        {
            discriminator.save(Path.Combine(temporary, "discriminator.dat"));
            SaveOptimizer(discriminatorOptimizer, Path.Combine(temporary, "discriminator-optimizer.dat"));
        }
        File.WriteAllText(Path.Combine(temporary, "state.json"), JsonSerializer.Serialize(state, TrainingRecipe.JsonOptions));
        var previous = folder + ".old";
        if (Directory.Exists(previous))
        {
            Directory.Delete(previous, recursive: true);
        }
        if (Directory.Exists(folder))
        {
            Directory.Move(folder, previous);
        }
        Directory.Move(temporary, folder);
        if (Directory.Exists(previous))
        {
            Directory.Delete(previous, recursive: true);
        }
    }

    public static State? TryLoadState(string runFolder)
    {
        var path = Path.Combine(FolderOf(runFolder), "state.json");
        return File.Exists(path) ? JsonSerializer.Deserialize<State>(File.ReadAllText(path), TrainingRecipe.JsonOptions) : null;
    }

    public static void Load(string runFolder, nn.Module generator, nn.Module ema, optim.Optimizer optimizer,
        nn.Module? discriminator, optim.Optimizer? discriminatorOptimizer)
    {
        var folder = FolderOf(runFolder);
        generator.load(Path.Combine(folder, "generator.dat"));
        ema.load(Path.Combine(folder, "ema.dat"));
        LoadOptimizer(optimizer, Path.Combine(folder, "optimizer.dat"));
        if (discriminator is not null && discriminatorOptimizer is not null)
        {
            var path = Path.Combine(folder, "discriminator.dat");
            if (!File.Exists(path))
            {
                throw new TrainingException($"The checkpoint in {folder} was saved without a discriminator, but the recipe now has a GAN loss; start a new run.");
            }
            discriminator.load(path);
            LoadOptimizer(discriminatorOptimizer, Path.Combine(folder, "discriminator-optimizer.dat"));
        }
    }

    private static void SaveOptimizer(optim.Optimizer optimizer, string path)
    {
        using var stream = File.Create(path);
        using var writer = new BinaryWriter(stream);
        ((TorchSharp.Modules.OptimizerHelper)optimizer).save_state_dict(writer);
    }

    private static void LoadOptimizer(optim.Optimizer optimizer, string path)
    {
        using var stream = File.OpenRead(path);
        using var reader = new BinaryReader(stream);
        ((TorchSharp.Modules.OptimizerHelper)optimizer).load_state_dict(reader);
    }
}
