using System.CommandLine;
using Portal.Training;

namespace Portal.Cli;

/// <summary><c>train --recipe FILE</c>: runs (or resumes) a training recipe and exports the EMA generator to ONNX.</summary>
internal static class TrainCommand
{
    public static Command Create()
    {
        var recipe = new Option<string>("--recipe") { Description = "A recipe JSON file (models/recipes/*.json).", Required = true };
        var steps = new Option<int?>("--steps") { Description = "Stop at this step (the schedule still spans the recipe's steps); resume later to go on." };
        var resume = new Option<bool>("--resume") { Description = "Continue from the run folder's checkpoint." };
        var device = new Option<string>("--device") { Description = "cpu or cuda (cuda needs a CUDA build of libtorch).", DefaultValueFactory = _ => "cpu" };
        var data = new Option<string?>("--data") { Description = "Data folder (default: data/ in the repository)." };
        var runs = new Option<string?>("--runs") { Description = "Run folders go here (default: runs/ in the repository)." };
        var threads = new Option<int?>("--threads") { Description = "libtorch threads (default: one per core)." };
        var perSample = new Option<bool>("--per-sample") { Description = "One sample per backward (slower; for libtorch builds where oneDNN cannot be turned off)." };
        var command = new Command("train", "Train or fine-tune a super-resolution network from a recipe (TorchSharp).")
        {
            Options = { recipe, steps, resume, device, data, runs, threads, perSample },
        };
        command.Subcommands.Add(EvaluateTextCommand.Create());
        command.Subcommands.Add(BlendCommand.Create());
        command.SetAction((parseResult, cancellationToken) =>
        {
            var root = RepositoryRoot.Find();
            try
            {
                var loaded = TrainingRecipe.Load(parseResult.GetValue(recipe)!);
                var options = new TrainingOptions
                {
                    RepositoryRoot = root,
                    DataRoot = parseResult.GetValue(data) ?? Path.Combine(root, "data"),
                    RunsRoot = parseResult.GetValue(runs) ?? Path.Combine(root, "runs"),
                    Device = parseResult.GetValue(device)!,
                    StopAtStep = parseResult.GetValue(steps),
                    Resume = parseResult.GetValue(resume),
                    Threads = parseResult.GetValue(threads),
                    PerSampleBackward = parseResult.GetValue(perSample),
                };
                var result = loaded.Quantization is null
                    ? new Trainer(loaded, options, Console.Out).Run(cancellationToken)
                    : new Portal.Training.Quantization.QuantizationAwareTrainer(loaded, options, Console.Out).Run(cancellationToken);
                Console.WriteLine($"Step {result.Step}: exported {result.ModelPath}; loss curve and previews in {result.RunFolder}.");
                return Task.FromResult(0);
            }
            catch (TrainingException error)
            {
                Console.Error.WriteLine(error.Message);
                return Task.FromResult(2);
            }
        });
        return command;
    }
}
