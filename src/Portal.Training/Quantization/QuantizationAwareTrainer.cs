using System.Diagnostics;
using System.Globalization;
using Portal.Models.Evaluation;
using Portal.Training.Architectures;
using Portal.Training.Data;
using static TorchSharp.torch;

namespace Portal.Training.Quantization;

/// <summary>
/// Quantization-aware distillation: a copy of the recipe's <c>initFrom</c> SRVGG-compact is trained so that its
/// int8 form (<c>FakeQuantization.Forward</c>, with ranges that start from the quantizer's calibration of the float
/// model and are then kept or learned) matches the unchanged float model's output on the recipe's low-resolution crops.
/// The tuned float weights and their int8 file with the trained ranges are exported; <c>models quantize --from</c>
/// takes either. Checkpoints resume exactly (weights, ranges, both optimizers' moments, history).
/// </summary>
public sealed class QuantizationAwareTrainer(TrainingRecipe recipe, TrainingOptions options, TextWriter progressOutput)
{
    public string RunFolder => Path.Combine(options.RunsRoot, recipe.Name);

    /// <summary>(step, PSNR of the simulated int8 output against the float model on the calibration tiles) at each calibration.</summary>
    public List<(int Step, double Psnr)> CalibrationPsnr { get; } = [];

    public Trainer.Result Run(CancellationToken cancellationToken = default)
    {
        var quantization = recipe.Quantization ?? throw new TrainingException($"Recipe {recipe.Name} has no quantization section.");
        if (options.Device != "cpu")
        {
            throw new TrainingException("A quantization-aware run trains on the CPU only (the int8 model it tunes is a CPU model); drop --device.");
        }
        // Whole batches through one backward need libtorch's oneDNN convolutions off (NaN gradients otherwise, docs/TRAINING.md).
        if (!TorchRuntime.OneDnnDisabled)
        {
            throw new TrainingException("This libtorch build offers no switch to turn oneDNN convolutions off; quantization-aware runs need it.");
        }
        if (options.Threads is { } threads)
        {
            set_num_threads(threads);
        }
        var pairs = TrainingPairs.ForRecipe(options.DataRoot, recipe);
        var calibration = LoadCalibration(Path.Combine(options.RepositoryRoot, quantization.Calibration));
        var existing = Checkpoint.TryLoadState(RunFolder);
        if (existing is not null && !options.Resume)
        {
            throw new TrainingException(
                $"{RunFolder} already holds a checkpoint at step {existing.Step}; pass --resume to continue it, or delete the folder to start again.");
        }
        var initPath = Path.Combine(options.RepositoryRoot, recipe.InitFrom!);
        if (!File.Exists(initPath))
        {
            throw new TrainingException($"Recipe {recipe.Name}: initFrom names {recipe.InitFrom}, which does not exist under {options.RepositoryRoot}.");
        }
        random.manual_seed((long)(recipe.Seed & 0x7FFFFFFF));
        using var teacher = (SrvggCompact)recipe.Architecture.Create();
        using var student = (SrvggCompact)recipe.Architecture.Create();
        var initBytes = Models.Quantization.ModelQuantizer.Equalize(File.ReadAllBytes(initPath), calibration, quantization.Equalize, progressOutput.WriteLine);
        teacher.LoadOnnx(initBytes, recipe.InitFrom!);
        student.LoadOnnx(initBytes, recipe.InitFrom!);
        teacher.eval();
        foreach (var parameter in teacher.parameters())
        {
            parameter.requires_grad = false;
        }
        var optimizer = optim.AdamW(student.parameters(), recipe.Optimizer.LearningRate, recipe.Optimizer.Beta1, recipe.Optimizer.Beta2,
            weight_decay: recipe.Optimizer.WeightDecay);
        // The ranges start from the quantizer's own calibration of the float model, the same on every (re)start.
        using var ranges = new LearnedRanges(FakeQuantization.Calibrate(teacher, calibration, quantization.Percentile), quantization.LearnRanges);
        var rangeOptimizer = quantization.LearnRanges
            ? optim.AdamW(ranges.parameters(), quantization.RangeLearningRate, recipe.Optimizer.Beta1, recipe.Optimizer.Beta2, weight_decay: 0)
            : null;
        var history = new List<Checkpoint.StepRecord>();
        var start = 0;
        if (existing is not null)
        {
            // The checkpoint's EMA and discriminator slots carry the ranges and their optimizer (no EMA here).
            Checkpoint.Load(RunFolder, student, ranges, optimizer, rangeOptimizer is null ? null : ranges, rangeOptimizer);
            history = existing.History;
            start = existing.Step;
            progressOutput.WriteLine($"Resuming {recipe.Name} at step {start}.");
        }
        Directory.CreateDirectory(RunFolder);
        File.WriteAllText(Path.Combine(RunFolder, "recipe.json"), System.Text.Json.JsonSerializer.Serialize(recipe, TrainingRecipe.JsonOptions));

        var tiles = calibration.SelectMany(i => Models.Quantization.ModelQuantizer.Tiles(i, Models.Quantization.ModelQuantizer.CalibrationTileSize)).ToList();
        var references = tiles.Select(t =>
        {
            using var _ = no_grad();
            using var input = FakeQuantization.ImageTensor(t);
            using var output = teacher.call(input);
            return output.clamp(0, 1);
        }).ToList();

        var stop = Math.Min(options.StopAtStep ?? recipe.Steps, recipe.Steps);
        var progress = new ProgressBar(progressOutput, start, stop);
        student.train();
        for (var step = start; step < stop; step++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (step == start || step % quantization.MeasureEvery == 0)
            {
                Measure(student, tiles, references, ranges.Values(), quantization.WeightBits, step);
            }
            var clock = Stopwatch.StartNew();
            var learningRate = recipe.Optimizer.LearningRateAt(step, recipe.Steps);
            foreach (var group in optimizer.ParamGroups)
            {
                group.LearningRate = learningRate;
            }
            optimizer.zero_grad();
            rangeOptimizer?.zero_grad();
            double loss, dataSeconds;
            using (var scope = NewDisposeScope())
            {
                var (low, _) = pairs.Batch(step, recipe.BatchSize);
                dataSeconds = clock.Elapsed.TotalSeconds;
                Tensor target;
                using (no_grad())
                {
                    target = teacher.call(low).clamp(0, 1);
                }
                var (inputRanges, outputRanges) = ranges.Current();
                var output = FakeQuantization.Forward(student, low, inputRanges, outputRanges, quantization.WeightBits).clamp(0, 1);
                var total = nn.functional.l1_loss(output, target);
                total.backward();
                loss = total.item<float>();
                Trainer.RequireFiniteGradients(student, step);
                optimizer.step();
                rangeOptimizer?.step();
            }
            history.Add(new Checkpoint.StepRecord(step + 1, loss, loss, learningRate, clock.Elapsed.TotalSeconds, Environment.WorkingSet, dataSeconds));
            progress.Report(step + 1, loss);
            var done = step + 1;
            if (done % recipe.CheckpointEvery == 0 || done == stop)
            {
                Checkpoint.Save(RunFolder, new Checkpoint.State(done, history), student, ranges, optimizer, rangeOptimizer is null ? null : ranges, rangeOptimizer);
                Export(student, ranges.Values(), quantization.WeightBits);
                Trainer.WriteHistory(RunFolder, history);
            }
        }
        progress.Finish();
        Measure(student, tiles, references, ranges.Values(), quantization.WeightBits, stop);
        var modelPath = Export(student, ranges.Values(), quantization.WeightBits);
        Trainer.WriteHistory(RunFolder, history);
        foreach (var reference in references)
        {
            reference.Dispose();
        }
        return new Trainer.Result(RunFolder, modelPath, Math.Max(stop, start), history);
    }

    /// <summary>Writes the tuned float weights (NAME.onnx), their int8 model with the trained ranges (NAME.int8.onnx) and the ranges; returns the int8 path.</summary>
    private string Export(SrvggCompact student, ActivationRanges values, int weightBits)
    {
        File.WriteAllBytes(Path.Combine(RunFolder, recipe.Name + ".onnx"), student.ToOnnx(recipe.Name));
        var int8Path = Path.Combine(RunFolder, recipe.Name + ".int8.onnx");
        File.WriteAllBytes(int8Path, FakeQuantization.Int8Onnx(student, values, weightBits, recipe.Name));
        File.WriteAllText(Path.Combine(RunFolder, "ranges.json"), System.Text.Json.JsonSerializer.Serialize(
            new { inputs = values.Inputs.Select(r => new[] { r.Min, r.Max }), outputs = values.Outputs.Select(r => new[] { r.Min, r.Max }) }));
        return int8Path;
    }

    /// <summary>PSNR of the simulated int8 output against the float model's, over the calibration tiles (the quantizer's own check, unrounded).</summary>
    private void Measure(SrvggCompact student, List<RgbImage> tiles, List<Tensor> references, ActivationRanges ranges, int weightBits, int step)
    {
        using var _ = no_grad();
        double squared = 0;
        long count = 0;
        for (var i = 0; i < tiles.Count; i++)
        {
            using var scope = NewDisposeScope();
            var output = FakeQuantization.Forward(student, FakeQuantization.ImageTensor(tiles[i]), ranges, weightBits).clamp(0, 1);
            squared += (output - references[i]).square().sum().item<float>();
            count += output.numel();
        }
        var psnr = 10 * Math.Log10(count / Math.Max(squared, 1e-12));
        CalibrationPsnr.Add((step, psnr));
        progressOutput.WriteLine(string.Create(CultureInfo.InvariantCulture, $"Step {step}: simulated int8 vs float32 on the calibration tiles {psnr:F2} dB."));
        File.AppendAllText(Path.Combine(RunFolder, "int8-psnr.csv"), string.Create(CultureInfo.InvariantCulture, $"{step},{psnr:F3},{DateTime.UtcNow:O}\n"));
    }

    private static List<RgbImage> LoadCalibration(string folder)
    {
        var files = Directory.Exists(folder)
            ? Directory.EnumerateFiles(folder, "*.png").Order(StringComparer.Ordinal).ToList()
            : [];
        return files.Count > 0 ? files.Select(RgbImage.Load).ToList()
            : throw new TrainingException($"The calibration folder {folder} holds no PNG images.");
    }
}
