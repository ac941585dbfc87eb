namespace Portal.Core.Economics;

/// <summary>Measured throughput and cost of the sampled jobs beside the revenue per credit of every paid plan and pack.</summary>
public sealed record UnitEconomicsReport(
    int JobsMeasured,
    IReadOnlyList<ModelDeviceThroughput> Throughput,
    IReadOnlyList<QualityCost> Qualities,
    IReadOnlyList<CreditOffer> Offers,
    string Currency,
    double GpuHourUsd,
    double CpuHourUsd)
{
    public bool HasJobs => JobsMeasured > 0;

    /// <summary>Revenue minus cost of one credit bought through an offer and spent at a quality level.</summary>
    public static double Margin(CreditOffer offer, QualityCost quality) => offer.RevenuePerCredit - quality.CostPerCreditUsd;

    /// <summary>Every offer and quality where a credit costs more to run than it was sold for.</summary>
    public IReadOnlyList<PriceBelowCost> PricesBelowCost() =>
        [.. from offer in Offers
            from quality in Qualities
            where offer.RevenuePerCredit < quality.CostPerCreditUsd
            select new PriceBelowCost(offer, quality.Quality, quality.CostPerCreditUsd)];
}
