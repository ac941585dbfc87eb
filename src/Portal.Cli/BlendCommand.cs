using System.CommandLine;
using System.Globalization;
using Portal.Training;
using Portal.Training.Architectures;

namespace Portal.Cli;

/// <summary>
/// <c>train blend --recipe FILE --weight W</c>: the run's export pulled back towards the recipe's starting weights
/// ((1 - W) x start + W x fine-tune, see <see cref="WeightBlend"/>), written as a model the evaluator and the engine run;
/// with <c>--with FILE</c> the partner is a second fine-tune from the same start instead (a weight soup).
/// </summary>
internal static class BlendCommand
{
    public static Command Create()
    {
        var recipe = new Option<string>("--recipe") { Description = "The recipe whose run to blend (its initFrom is the start).", Required = true };
        var weight = new Option<double>("--weight") { Description = "Weight of the fine-tune, 0..1 (0 is the start, 1 the run's export).", Required = true };
        var tuned = new Option<string?>("--tuned") { Description = "The fine-tune (default: runs/NAME/NAME.onnx)." };
        var with = new Option<string?>("--with")
        {
            Description = "Blend with this model instead of the recipe's start: a second fine-tune of the same architecture from the same start "
                + "(a weight soup of two runs); --weight is still the --tuned model's share.",
        };
        var output = new Option<string?>("--output") { Description = "Where to write the blend (default: runs/NAME/NAME-blendNN.onnx, NN the weight in percent)." };
        var command = new Command("blend", "Blend a fine-tune's weights with its starting weights (network interpolation).")
        {
            Options = { recipe, weight, tuned, with, output },
        };
        command.SetAction((parseResult, _) =>
        {
            var root = RepositoryRoot.Find();
            try
            {
                var loaded = TrainingRecipe.Load(parseResult.GetValue(recipe)!);
                var partner = parseResult.GetValue(with);
                var startPath = partner ?? (loaded.InitFrom is { } init ? Path.Combine(root, init)
                    : throw new TrainingException($"Recipe {loaded.Name} has no initFrom: there is no start to blend with."));
                var tunedPath = parseResult.GetValue(tuned) ?? Path.Combine(root, "runs", loaded.Name, loaded.Name + ".onnx");
                var w = parseResult.GetValue(weight);
                var name = $"{loaded.Name}-blend{Math.Round(w * 100).ToString(CultureInfo.InvariantCulture)}";
                var outputPath = parseResult.GetValue(output) ?? Path.Combine(root, "runs", loaded.Name, name + ".onnx");
                foreach (var path in new[] { startPath, tunedPath })
                {
                    if (!File.Exists(path))
                    {
                        throw new TrainingException($"Model file {path} does not exist.");
                    }
                }
                var blended = WeightBlend.Blend(loaded.Architecture, File.ReadAllBytes(startPath), Path.GetFileName(startPath),
                    File.ReadAllBytes(tunedPath), Path.GetFileName(tunedPath), w, Path.GetFileNameWithoutExtension(outputPath),
                    partner is null ? loaded.InitFromScale : null); // a second fine-tune already has the recipe's scale
                File.WriteAllBytes(outputPath, blended);
                Console.WriteLine($"Wrote {outputPath}: {w.ToString("0.####", CultureInfo.InvariantCulture)} x {Path.GetFileName(tunedPath)} + {(1 - w).ToString("0.####", CultureInfo.InvariantCulture)} x {Path.GetFileName(startPath)}.");
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
