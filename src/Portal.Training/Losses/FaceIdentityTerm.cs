using Portal.Models.Degradation;
using Portal.Training.Architectures;
using Portal.Training.Data;
using TorchSharp;
using static TorchSharp.torch;

namespace Portal.Training.Losses;

/// <summary>
/// The face part of a training step: data.faceBatch crops from data/DOMAIN/faces/, degraded with the recipe's own
/// degradation settings (a <see cref="TrainingPairs"/> over the crops, so each step's faces are a pure function of
/// seed and step and a resumed run sees the same ones), go through the generator; their loss is L1 (weighted as the
/// recipe's L1) plus losses.face times the identity distance on the aligned box inside each crop. The feature and
/// anchor terms stay on the main batch only: they would double their cost for a few faces.
/// </summary>
internal sealed class FaceIdentityTerm : IDisposable
{
    private readonly TrainingRecipe recipe;
    private readonly TrainingPairs pairs;
    private readonly int margin;
    private readonly FaceIdentityLoss? identity;

    private FaceIdentityTerm(TrainingRecipe recipe, TrainingPairs pairs, int margin, FaceIdentityLoss? identity) =>
        (this.recipe, this.pairs, this.margin, this.identity) = (recipe, pairs, margin, identity);

    /// <summary>The term for a recipe with data.faceBatch above 0, else null; a missing face set is refused with the command that builds it.</summary>
    public static FaceIdentityTerm? Create(TrainingRecipe recipe, TrainingOptions options, Device device)
    {
        if (recipe.Data.FaceBatch == 0)
        {
            return null;
        }
        FaceSet set;
        try
        {
            set = FaceSet.Load(options.DataRoot, recipe.Data.Domain);
        }
        catch (TrainingException error)
        {
            throw new TrainingException($"Recipe {recipe.Name}: data.faceBatch {recipe.Data.FaceBatch} needs face crops. {error.Message}", error);
        }
        var scale = recipe.Architecture.Scale;
        if (set.Size % scale != 0)
        {
            throw new TrainingException($"The '{set.Domain}' face crops are {set.Size} px, which the scale {scale} does not divide; rebuild them with --size a multiple of {scale}.");
        }
        var pairs = new TrainingPairs(set.LoadImages(options.DataRoot), recipe.Data with { CropSize = set.Size, Emphasis = null, Mix = null }, scale, SeededRandom.SeedFrom($"{recipe.Seed}/faces"));
        var identity = recipe.Losses.Face > 0 ? FaceIdentityLoss.Load(Path.Combine(options.RepositoryRoot, "models")) : null;
        identity?.to(device);
        return new FaceIdentityTerm(recipe, pairs, set.Margin, identity);
    }

    /// <summary>Runs the step's faces forward and backward (gradients add to the main batch's); returns the loss and the mean identity distance (null when losses.face is 0).</summary>
    public (double Loss, double? Identity) Backward(SuperResolutionNetwork generator, int step, int chunk, Device device)
    {
        var count = recipe.Data.FaceBatch;
        var (lowBatch, highBatch) = pairs.Batch(step, count);
        double loss = 0, distance = 0;
        chunk = Math.Min(chunk, count);
        for (var b = 0; b < count; b += chunk)
        {
            var size = Math.Min(chunk, count - b);
            var low = lowBatch[b..(b + size)].to(device);
            var high = highBatch[b..(b + size)].to(device);
            var output = generator.call(low);
            var total = nn.functional.l1_loss(output, high) * recipe.Losses.L1;
            if (identity is not null)
            {
                var term = identity.Distance(output, high, margin);
                total += term * recipe.Losses.Face;
                distance += term.item<float>() * size / count;
            }
            (total * ((double)size / count)).backward();
            loss += total.item<float>() * size / count;
        }
        return (loss, identity is null ? null : distance);
    }

    public void Dispose() => identity?.Dispose();
}
