using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Portal.Core.Billing;
using Portal.Core.Data;
using Portal.Core.Jobs;

namespace Portal.Core.Economics;

/// <summary>
/// Builds the unit economics report from the most recent successful jobs. The query only filters, orders and picks
/// plain columns (it translates the same on SQLite and SQL Server); the sums run in memory over a bounded sample.
/// </summary>
public sealed class UnitEconomics(IDbContextFactory<PortalDbContext> databases, IOptions<BillingOptions> billing, IOptions<EconomicsOptions> options)
{
    public const string CudaDevice = "Cuda";

    public async Task<UnitEconomicsReport> BuildAsync(CancellationToken cancellationToken)
    {
        var prices = options.Value;
        await using var db = await databases.CreateDbContextAsync(cancellationToken);
        var jobs = await db.Jobs.AsNoTracking()
            .Where(j => j.Status == JobStatus.Succeeded && j.Device != null && j.RunMilliseconds != null && j.OutputWidth > 0 && j.OutputHeight > 0)
            .OrderByDescending(j => j.CompletedAt)
            .Take(prices.SampleJobs)
            .Select(j => new { j.ModelId, Device = j.Device!, j.Quality, j.Cost, j.OutputWidth, j.OutputHeight, RunMilliseconds = j.RunMilliseconds!.Value })
            .ToListAsync(cancellationToken);

        double Megapixels(int width, int height) => (double)width * height / 1_000_000.0;
        double Cost(string device, long runMilliseconds) =>
            runMilliseconds / 3_600_000.0 * (device == CudaDevice ? prices.GpuHourUsd : prices.CpuHourUsd);

        var throughput = jobs
            .GroupBy(j => (j.ModelId, j.Device))
            .Select(g => new ModelDeviceThroughput(
                g.Key.ModelId,
                g.Key.Device,
                g.Count(),
                g.Sum(j => Megapixels(j.OutputWidth, j.OutputHeight)),
                g.Sum(j => j.RunMilliseconds) / 1000.0,
                g.Sum(j => Cost(j.Device, j.RunMilliseconds))))
            .OrderBy(t => t.ModelId, StringComparer.Ordinal).ThenBy(t => t.Device, StringComparer.Ordinal)
            .ToList();
        var qualities = jobs
            .Where(j => j.Cost > 0)
            .GroupBy(j => j.Quality)
            .Select(g => new QualityCost(g.Key, g.Count(), g.Sum(j => j.Cost), g.Sum(j => Cost(j.Device, j.RunMilliseconds))))
            .OrderBy(q => q.Quality)
            .ToList();

        // The free plan is given away: it has no price per credit to compare.
        var offers = billing.Value.Tiers
            .Where(t => t.MonthlyPriceCents > 0 && t.MonthlyCredits > 0)
            .Select(t => new CreditOffer(CreditOfferKind.Plan, t.Id, t.Name, t.MonthlyPriceCents, t.MonthlyCredits))
            .Concat(billing.Value.Packs.Select(p => new CreditOffer(CreditOfferKind.Pack, p.Id, p.Name, p.PriceCents, p.Credits)))
            .ToList();

        return new UnitEconomicsReport(jobs.Count, throughput, qualities, offers, billing.Value.Currency, prices.GpuHourUsd, prices.CpuHourUsd);
    }
}
