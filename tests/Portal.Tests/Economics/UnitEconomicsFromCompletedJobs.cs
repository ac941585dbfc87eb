using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;
using Portal.Core.Economics;
using Portal.Models;

namespace Portal.Tests.Economics;

/// <summary>The report's numbers, worked out by hand from the seeded jobs (times in seconds, sizes in megapixels).</summary>
public sealed class UnitEconomicsFromCompletedJobs : IDisposable
{
    private const double GpuPerSecond = EconomicsSeed.GpuHourUsd / 3600;
    private const double CpuPerSecond = EconomicsSeed.CpuHourUsd / 3600;
    private readonly SqliteConnection connection = new("Data Source=:memory:");

    [Fact]
    public async Task Seconds_per_megapixel_and_cost_are_measured_per_model_and_device()
    {
        var report = await BuildAsync(EconomicsSeed.Billing(), EconomicsSeed.Jobs);

        Assert.Equal(4, report.JobsMeasured);
        Assert.Equal([("net-a", "Cpu"), ("net-a", "Cuda"), ("net-b", "Cuda")], report.Throughput.Select(t => (t.ModelId, t.Device)));

        var aCuda = report.Throughput.Single(t => t is { ModelId: "net-a", Device: "Cuda" });
        Assert.Equal(2, aCuda.Jobs);
        Assert.Equal((3.0 + 9.0) / (2.0 + 8.0), aCuda.SecondsPerMegapixel, 12);
        Assert.Equal((3.0 + 9.0) * GpuPerSecond / 2, aCuda.CostPerJobUsd, 12);

        var aCpu = report.Throughput.Single(t => t is { ModelId: "net-a", Device: "Cpu" });
        Assert.Equal(20.0 / 1.0, aCpu.SecondsPerMegapixel, 12);
        Assert.Equal(20.0 * CpuPerSecond, aCpu.CostPerJobUsd, 12);

        var bCuda = report.Throughput.Single(t => t.ModelId == "net-b");
        Assert.Equal(1, bCuda.Jobs);
        Assert.Equal(16.0 / 4.0, bCuda.SecondsPerMegapixel, 12);
    }

    [Fact]
    public async Task Cost_per_credit_per_quality_sets_the_margin_of_each_plan_and_pack()
    {
        var report = await BuildAsync(EconomicsSeed.Billing(), EconomicsSeed.Jobs);

        Assert.Equal([QualityLevel.Fast, QualityLevel.Balanced, QualityLevel.Ultra], report.Qualities.Select(q => q.Quality));
        var fast = report.Qualities.Single(q => q.Quality == QualityLevel.Fast);
        Assert.Equal((3.0 * GpuPerSecond + 20.0 * CpuPerSecond) / (1 + 1), fast.CostPerCreditUsd, 12);
        var ultra = report.Qualities.Single(q => q.Quality == QualityLevel.Ultra);
        Assert.Equal(16.0 * GpuPerSecond / 4, ultra.CostPerCreditUsd, 12);

        // The free plan gives credits away: it is no offer to price.
        Assert.Equal(["pro", "small"], report.Offers.Select(o => o.Id));
        var pro = report.Offers[0];
        Assert.Equal(9.00 / 500, pro.RevenuePerCredit, 12);
        Assert.Equal(9.00 / 500 - 16.0 * GpuPerSecond / 4, UnitEconomicsReport.Margin(pro, ultra), 12);
        Assert.Empty(report.PricesBelowCost());
    }

    [Fact]
    public async Task A_pack_sold_below_the_measured_cost_of_a_quality_is_flagged_for_that_quality_only()
    {
        var report = await BuildAsync(EconomicsSeed.Billing(EconomicsSeed.BulkPack), EconomicsSeed.Jobs);

        var warning = Assert.Single(report.PricesBelowCost());
        Assert.Equal(("bulk", QualityLevel.Ultra), (warning.Offer.Id, warning.Quality));
        Assert.Equal(16.0 * GpuPerSecond / 4, warning.CostPerCreditUsd, 12);
    }

    [Fact]
    public async Task The_sample_keeps_the_most_recent_jobs()
    {
        // The seed completes its jobs a minute apart in order: a sample of three drops the first (net-a, Cuda, Fast).
        var report = await BuildAsync(EconomicsSeed.Billing(), EconomicsSeed.Jobs, sampleJobs: 3);

        Assert.Equal(3, report.JobsMeasured);
        var aCuda = report.Throughput.Single(t => t is { ModelId: "net-a", Device: "Cuda" });
        Assert.Equal((1, 9.0 / 8.0), (aCuda.Jobs, aCuda.SecondsPerMegapixel));
    }

    [Fact]
    public async Task Without_completed_jobs_there_is_nothing_measured_but_the_offers_are_listed()
    {
        var report = await BuildAsync(EconomicsSeed.Billing(), []);

        Assert.False(report.HasJobs);
        Assert.Empty(report.Throughput);
        Assert.Empty(report.Qualities);
        Assert.Equal(2, report.Offers.Count);
        Assert.Empty(report.PricesBelowCost());
    }

    private async Task<UnitEconomicsReport> BuildAsync(Portal.Core.Billing.BillingOptions billing, IEnumerable<EconomicsSeed.SeedJob> jobs, int sampleJobs = 10_000)
    {
        var services = new ServiceCollection();
        EconomicsSeed.AddTo(services, connection, billing, jobs, sampleJobs);
        await using var provider = services.BuildServiceProvider();
        using var scope = provider.CreateScope();
        return await scope.ServiceProvider.GetRequiredService<UnitEconomics>().BuildAsync(CancellationToken.None);
    }

    public void Dispose() => connection.Dispose();
}
