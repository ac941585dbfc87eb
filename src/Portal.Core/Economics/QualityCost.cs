using Portal.Models;

namespace Portal.Core.Economics;

/// <summary>What the sampled jobs of one quality level cost to run, against the credits they were charged.</summary>
public sealed record QualityCost(QualityLevel Quality, int Jobs, int Credits, double CostUsd)
{
    /// <summary>Hardware cost of one credit spent at this quality (credits charged include the one-credit minimum and rounding).</summary>
    public double CostPerCreditUsd => CostUsd / Credits;
}
