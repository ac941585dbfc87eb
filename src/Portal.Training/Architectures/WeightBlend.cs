using static TorchSharp.torch;

namespace Portal.Training.Architectures;

/// <summary>
/// Network interpolation: a fine-tune's weights pulled back towards the weights it started from,
/// (1 - weight) x start + weight x tuned, layer by layer. Real-ESRGAN's denoise-strength control blends two
/// SRVGG networks the same way; here it trades a fine-tune's gains against how far it strays from its start
/// (face identity, say) without another training run. The fine-tune must have the recipe's architecture; the start
/// too, or the larger scale <c>startScale</c> (a recipe's initFromScale), which is shrunk as training shrank it.
/// </summary>
public static class WeightBlend
{
    public static byte[] Blend(ArchitectureRecipe architecture, byte[] start, string startName, byte[] tuned, string tunedName, double weight, string modelName, int? startScale = null)
    {
        if (!double.IsFinite(weight) || weight is < 0 or > 1)
        {
            throw new TrainingException($"The blend weight must be between 0 (the start) and 1 (the fine-tune); it is {weight}.");
        }
        using var from = architecture.Create();
        using var to = architecture.Create();
        Trainer.LoadStartWeights(architecture, startScale, from, start, startName);
        to.LoadOnnx(tuned, tunedName);
        using (no_grad())
        {
            foreach (var (blended, target) in from.parameters().Zip(to.parameters()))
            {
                blended.mul_(1 - weight).add_(target, alpha: weight);
            }
        }
        return from.ToOnnx(modelName);
    }
}
