using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Portal.Training.Quantization;

/// <summary>
/// The activation ranges as trainable tensors: each calibrated bound times exp(a learned log factor), so a bound
/// keeps its sign (0 stays 0, and zero stays exact) and every range moves by the same relative step. With
/// <c>learn</c> off they stay the calibrated ones.
/// </summary>
public sealed class LearnedRanges : nn.Module
{
    private readonly Parameter inputFactors;
    private readonly Parameter outputFactors;
    private readonly Tensor inputStart;
    private readonly Tensor outputStart;

    public LearnedRanges(ActivationRanges start, bool learn) : base("activation_ranges")
    {
        inputStart = FakeQuantization.RangeTensor(start.Inputs);
        outputStart = FakeQuantization.RangeTensor(start.Outputs);
        inputFactors = new Parameter(zeros_like(inputStart), requires_grad: learn);
        outputFactors = new Parameter(zeros_like(outputStart), requires_grad: learn);
        RegisterComponents();
    }

    /// <summary>[n,2] min/max rows for the convolutions' inputs and outputs.</summary>
    public (Tensor Inputs, Tensor Outputs) Current() => (inputStart * inputFactors.exp(), outputStart * outputFactors.exp());

    public ActivationRanges Values()
    {
        using var _ = no_grad();
        var (inputs, outputs) = Current();
        using (inputs)
        using (outputs)
        {
            return new ActivationRanges(Pairs(inputs), Pairs(outputs));
        }
    }

    private static List<(float Min, float Max)> Pairs(Tensor ranges)
    {
        var values = ranges.data<float>().ToArray();
        return Enumerable.Range(0, values.Length / 2).Select(i => (values[2 * i], values[(2 * i) + 1])).ToList();
    }
}
