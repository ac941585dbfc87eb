using System.Diagnostics;
using Portal.Models.Evaluation;
using Portal.Training.Architectures;
using Portal.Training.Data;
using Portal.Training.Losses;
using TorchSharp;
using static TorchSharp.torch;

namespace Portal.Training;

/// <summary>
/// Runs a recipe: L1 (+ FFT) (+ GAN with a U-Net discriminator) on the generator, AdamW with
/// warm-up and cosine decay, an EMA copy of the generator that is what gets exported, checkpoints
/// that resume exactly, and a loss curve and before/after crops in the run folder.
/// </summary>
public sealed class Trainer(TrainingRecipe recipe, TrainingOptions options, TextWriter progressOutput)
{
    public sealed record Result(string RunFolder, string ModelPath, int Step, IReadOnlyList<Checkpoint.StepRecord> History);

    public string RunFolder => Path.Combine(options.RunsRoot, recipe.Name);

    public Result Run(CancellationToken cancellationToken = default)
    {
        var device = TorchRuntime.Device(options.Device);
        if (options.Threads is { } threads)
        {
            set_num_threads(threads);
        }
        var pairs = TrainingPairs.ForRecipe(options.DataRoot, recipe);
        var previewImage = LoadPreviewImage();
        var existing = Checkpoint.TryLoadState(RunFolder);
        if (existing is not null && !options.Resume)
        {
            throw new TrainingException(
                $"{RunFolder} already holds a checkpoint at step {existing.Step}; pass --resume to continue it, or delete the folder to start again.");
        }

        random.manual_seed((long)(recipe.Seed & 0x7FFFFFFF));
        using var generator = recipe.Architecture.Create();
        using var ema = recipe.Architecture.Create();
        if (recipe.InitFrom is { } init)
        {
            var path = Path.Combine(options.RepositoryRoot, init);
            if (!File.Exists(path))
            {
                throw new TrainingException($"Recipe {recipe.Name}: initFrom names {init}, which does not exist under {options.RepositoryRoot}.");
            }
            LoadStart(generator, File.ReadAllBytes(path), init);
        }
        CopyWeights(generator, ema);
        using var featureLoss = recipe.Losses.Feature > 0 ? FeatureLoss.Load(Path.Combine(options.RepositoryRoot, "models")) : null;
        featureLoss?.to(device);
        using var discriminator = recipe.Losses.Gan > 0 ? new UNetDiscriminator(recipe.Losses.DiscriminatorFeatures) : null;
        generator.to(device);
        ema.to(device);
        discriminator?.to(device);
        using var anchor = StartAnchor.Create(recipe, generator, device);
        using var faces = FaceIdentityTerm.Create(recipe, options, device);
        var optimizer = optim.AdamW(generator.parameters(), recipe.Optimizer.LearningRate, recipe.Optimizer.Beta1, recipe.Optimizer.Beta2,
            weight_decay: recipe.Optimizer.WeightDecay);
        var discriminatorOptimizer = discriminator is null ? null
            : optim.AdamW(discriminator.parameters(), recipe.Losses.DiscriminatorLearningRate, recipe.Optimizer.Beta1, recipe.Optimizer.Beta2);

        var history = new List<Checkpoint.StepRecord>();
        var start = 0;
        if (existing is not null)
        {
            Checkpoint.Load(RunFolder, generator, ema, optimizer, discriminator, discriminatorOptimizer);
            history = existing.History;
            start = existing.Step;
            progressOutput.WriteLine($"Resuming {recipe.Name} at step {start}.");
        }
        Directory.CreateDirectory(RunFolder);
        File.WriteAllText(Path.Combine(RunFolder, "recipe.json"), System.Text.Json.JsonSerializer.Serialize(recipe, TrainingRecipe.JsonOptions));

        var stop = Math.Min(options.StopAtStep ?? recipe.Steps, recipe.Steps);
        var progress = new ProgressBar(progressOutput, start, stop);
        generator.train();
        discriminator?.train();
        for (var step = start; step < stop; step++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var clock = Stopwatch.StartNew();
            var learningRate = recipe.Optimizer.LearningRateAt(step, recipe.Steps);
            foreach (var group in optimizer.ParamGroups)
            {
                group.LearningRate = learningRate;
            }
            double loss = 0, l1Value = 0, dataSeconds = 0;
            double? faceIdentity = null;
            optimizer.zero_grad();
            discriminatorOptimizer?.zero_grad();
            using (var scope = NewDisposeScope())
            {
                var (lowBatch, highBatch) = pairs.Batch(step, recipe.BatchSize);
                var towardsStart = recipe.Data.Mix is { Target: MixTarget.Start } ? pairs.MixedPairs(step, recipe.BatchSize) : null;
                dataSeconds = clock.Elapsed.TotalSeconds;
                var outputs = new List<Tensor>();
                // With oneDNN off (TorchRuntime.OneDnnDisabled) the whole batch goes through one forward/backward. Where the
                // switch is unavailable, one sample per forward/backward with gradients accumulated: libtorch 2.10's oneDNN
                // convolution backward returns NaN gradients now and then for batches above one on this machine's CPU, while
                // the native path that batch-1 inputs take is exact (see docs/TRAINING.md). Same mean loss, same gradient.
                var chunk = !options.PerSampleBackward && (device.type != DeviceType.CPU || TorchRuntime.OneDnnDisabled) ? recipe.BatchSize : 1;
                for (var b = 0; b < recipe.BatchSize; b += chunk)
                {
                    var low = lowBatch[b..(b + chunk)].to(device);
                    var high = highBatch[b..(b + chunk)].to(device);
                    if (towardsStart is not null && anchor is not null && towardsStart.Skip(b).Take(chunk).Any(m => m))
                    {
                        // data.mix target "start": the mixed-in pairs' target is the start's output, not the original crop.
                        var mask = tensor(towardsStart[b..(b + chunk)]).reshape(chunk, 1, 1, 1).to(device);
                        high = where(mask, anchor.StartOutput(low), high);
                    }
                    var output = generator.call(low);
                    var l1 = nn.functional.l1_loss(output, high);
                    var total = l1 * recipe.Losses.L1;
                    if (recipe.Losses.Mse > 0)
                    {
                        total += nn.functional.mse_loss(output, high) * recipe.Losses.Mse;
                    }
                    if (recipe.Losses.Fft > 0)
                    {
                        total += FftLoss.Compute(output, high) * recipe.Losses.Fft;
                    }
                    if (featureLoss is not null)
                    {
                        total += featureLoss.Distance(output, high) * recipe.Losses.Feature;
                    }
                    if (anchor is not null)
                    {
                        total += anchor.Loss(generator, low, output);
                    }
                    if (discriminator is not null)
                    {
                        var fake = discriminator.call(output);
                        total += nn.functional.binary_cross_entropy_with_logits(fake, ones_like(fake)) * recipe.Losses.Gan;
                    }
                    var share = (double)chunk / recipe.BatchSize;
                    (total * share).backward();
                    loss += total.item<float>() * share;
                    l1Value += l1.item<float>() * share;
                    outputs.Add(output.detach());
                }
                if (faces is not null)
                {
                    double faceLoss;
                    (faceLoss, faceIdentity) = faces.Backward(generator, step, chunk == 1 ? 1 : recipe.Data.FaceBatch, device);
                    loss += faceLoss;
                }
                RequireFiniteGradients(generator, step);
                optimizer.step();
                if (discriminator is not null && discriminatorOptimizer is not null)
                {
                    // The generator's backward also reached the discriminator's weights; only its own loss may count.
                    discriminatorOptimizer.zero_grad();
                    for (var i = 0; i < outputs.Count; i++)
                    {
                        var size = (int)outputs[i].shape[0];
                        var real = discriminator.call(highBatch[(i * size)..((i + 1) * size)].to(device));
                        var fake = discriminator.call(outputs[i]);
                        var discriminatorLoss = nn.functional.binary_cross_entropy_with_logits(real, ones_like(real))
                            + nn.functional.binary_cross_entropy_with_logits(fake, zeros_like(fake));
                        (discriminatorLoss * ((double)size / recipe.BatchSize)).backward();
                    }
                    RequireFiniteGradients(discriminator, step);
                    discriminatorOptimizer.step();
                }
                UpdateEma(generator, ema, step);
            }
            if (!double.IsFinite(loss))
            {
                throw new TrainingException($"The loss became {loss} at step {step + 1} (L1 {l1Value}); the last checkpoint is kept. Lower the learning rate or check the data.");
            }
            history.Add(new Checkpoint.StepRecord(step + 1, loss, l1Value, learningRate, clock.Elapsed.TotalSeconds, Environment.WorkingSet, dataSeconds, faceIdentity));
            progress.Report(step + 1, loss);
            var done = step + 1;
            if (done % recipe.CheckpointEvery == 0 || done == stop)
            {
                Checkpoint.Save(RunFolder, new Checkpoint.State(done, history), generator, ema, optimizer, discriminator, discriminatorOptimizer);
            }
            if (options.WritePictures && (done % recipe.PreviewEvery == 0 || done == stop))
            {
                WritePictures(ema, previewImage, history, done, device);
            }
        }
        progress.Finish();
        var modelPath = Path.Combine(RunFolder, recipe.Name + ".onnx");
        ema.to(CPU);
        File.WriteAllBytes(modelPath, ema.ToOnnx(recipe.Name));
        WriteHistory(RunFolder, history);
        return new Result(RunFolder, modelPath, Math.Max(stop, start), history);
    }

    /// <summary>Loads the starting weights; a model of a larger scale is shrunk to the recipe's (see <see cref="TrainingRecipe.InitFromScale"/>).</summary>
    private void LoadStart(SuperResolutionNetwork generator, byte[] onnx, string sourceName)
    {
        LoadStartWeights(recipe.Architecture, recipe.InitFromScale, generator, onnx, sourceName);
        if (recipe.InitFromScale is { } fromScale && fromScale != recipe.Architecture.Scale)
        {
            // The derived start is a model in its own right: written beside the run so it can be measured as "the start".
            Directory.CreateDirectory(RunFolder);
            File.WriteAllBytes(Path.Combine(RunFolder, recipe.Name + "-start.onnx"), generator.ToOnnx(recipe.Name + "-start"));
        }
    }

    /// <summary>
    /// Puts a recipe's starting weights into <paramref name="target"/>: the model as it is, or, when it was made for the
    /// larger scale <paramref name="fromScale"/>, that model followed by an area shrink to the architecture's scale.
    /// Training and <see cref="WeightBlend"/> share it, so a blend pulls back towards the start the run really had.
    /// </summary>
    public static void LoadStartWeights(ArchitectureRecipe architecture, int? fromScale, SuperResolutionNetwork target, byte[] onnx, string sourceName)
    {
        if (fromScale is not { } scale || scale == architecture.Scale)
        {
            target.LoadOnnx(onnx, sourceName);
            return;
        }
        using var source = (SrvggCompact)(architecture with { Scale = scale }).Create();
        source.LoadOnnx(onnx, sourceName);
        using var shrunk = source.AreaShrunk(architecture.Scale);
        CopyWeights(shrunk, target);
    }

    internal static void RequireFiniteGradients(nn.Module module, int step)
    {
        var broken = module.named_parameters().Where(p => p.parameter.grad is { } grad && !grad.isfinite().all().item<bool>()).Select(p => p.name).ToList();
        if (broken.Count > 0)
        {
            throw new TrainingException(
                $"Step {step + 1}: the gradients of {string.Join(", ", broken)} are not finite; the last checkpoint is kept. " +
                "Lower the learning rate, or check the libtorch build (see docs/TRAINING.md on oneDNN).");
        }
    }

    private RgbImage LoadPreviewImage()
    {
        var heldOut = Path.Combine(options.DataRoot, recipe.Data.Domain, "heldout");
        var split = Directory.Exists(heldOut) && Directory.EnumerateFiles(heldOut, "*.png").Any() ? "heldout" : "train";
        return TrainingPairs.LoadSet(options.DataRoot, recipe.Data.Domain, split)[0];
    }

    private void UpdateEma(SuperResolutionNetwork generator, SuperResolutionNetwork ema, int step)
    {
        using var _ = no_grad();
        // Early on the average would drag in the random start; warm the decay up as BasicSR's users do.
        var decay = Math.Min(recipe.EmaDecay, (1.0 + step) / (10.0 + step));
        foreach (var (averaged, current) in ema.parameters().Zip(generator.parameters()))
        {
            averaged.mul_(decay).add_(current.detach(), alpha: 1 - decay);
        }
    }

    internal static void CopyWeights(SuperResolutionNetwork source, SuperResolutionNetwork destination)
    {
        using var _ = no_grad();
        foreach (var (to, from) in destination.parameters().Zip(source.parameters()))
        {
            to.copy_(from);
        }
    }

    private void WritePictures(SuperResolutionNetwork ema, RgbImage previewImage, List<Checkpoint.StepRecord> history, int step, Device device)
    {
        ema.eval();
        Preview.Write(ema, previewImage, recipe.Architecture.Scale, device, Path.Combine(RunFolder, $"preview-{step:D6}.png"));
        LossCurve.Write(history, Path.Combine(RunFolder, "loss.png"));
        WriteHistory(RunFolder, history);
    }

    /// <summary>The run's loss.csv, one row per step (every kind of run writes the same columns).</summary>
    internal static void WriteHistory(string runFolder, List<Checkpoint.StepRecord> history)
    {
        using var writer = new StreamWriter(Path.Combine(runFolder, "loss.csv"));
        writer.WriteLine("step,loss,l1,learning_rate,seconds,rss_bytes,data_seconds,face_identity");
        foreach (var r in history)
        {
            writer.WriteLine(string.Create(System.Globalization.CultureInfo.InvariantCulture, $"{r.Step},{r.Loss:G6},{r.L1:G6},{r.LearningRate:G4},{r.Seconds:F3},{r.RssBytes},{r.DataSeconds:F3},{r.FaceIdentity:G6}"));
        }
    }
}
