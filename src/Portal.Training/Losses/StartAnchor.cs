using Portal.Training.Architectures;
using TorchSharp;
using static TorchSharp.torch;

namespace Portal.Training.Losses;

/// <summary>
/// Keeps a fine-tune close to the network it started from. Two terms, each off at weight 0:
/// <c>losses.anchor</c>, the L1 distance between the output and the frozen start's output on the same degraded input
/// (distillation: where the high-resolution target is unreadable, a face under heavy JPEG, L1 to it teaches the network
/// to flatten, and this term keeps the start's invented detail instead), and <c>losses.startWeights</c>, the sum of
/// squared differences between the weights and the start's (L2-SP). Built from the generator right after its start is
/// loaded and before a checkpoint is, so a resumed run anchors to the same start.
/// </summary>
public sealed class StartAnchor : IDisposable
{
    private readonly SuperResolutionNetwork start;
    private readonly double outputWeight;
    private readonly double weightsWeight;

    private StartAnchor(SuperResolutionNetwork start, double outputWeight, double weightsWeight)
    {
        this.start = start;
        this.outputWeight = outputWeight;
        this.weightsWeight = weightsWeight;
    }

    /// <summary>
    /// A frozen copy of <paramref name="generator"/> as it is now; null when the recipe weights neither term and no
    /// data.mix crops are trained towards the start.
    /// </summary>
    public static StartAnchor? Create(TrainingRecipe recipe, SuperResolutionNetwork generator, Device device)
    {
        if (recipe.Losses.Anchor <= 0 && recipe.Losses.StartWeights <= 0 && recipe.Data.Mix is not { Target: MixTarget.Start })
        {
            return null;
        }
        var start = recipe.Architecture.Create();
        Trainer.CopyWeights(generator, start);
        start.to(device);
        start.eval();
        foreach (var parameter in start.parameters())
        {
            parameter.requires_grad = false;
        }
        return new StartAnchor(start, recipe.Losses.Anchor, recipe.Losses.StartWeights);
    }

    /// <summary>The frozen start's output on <paramref name="low"/>, without gradients.</summary>
    public Tensor StartOutput(Tensor low)
    {
        using (no_grad())
        {
            return start.call(low);
        }
    }

    /// <summary>The weighted sum of both terms for one forward pass of <paramref name="generator"/> on <paramref name="low"/>.</summary>
    public Tensor Loss(SuperResolutionNetwork generator, Tensor low, Tensor output)
    {
        var total = zeros(1, dtype: output.dtype, device: output.device).squeeze();
        if (outputWeight > 0)
        {
            total += nn.functional.l1_loss(output, StartOutput(low)) * outputWeight;
        }
        if (weightsWeight > 0)
        {
            foreach (var (current, initial) in generator.parameters().Zip(start.parameters()))
            {
                total += (current - initial).square().sum() * weightsWeight;
            }
        }
        return total;
    }

    public void Dispose() => start.Dispose();
}
