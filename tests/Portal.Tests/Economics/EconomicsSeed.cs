using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Portal.Core.Accounts;
using Portal.Core.Billing;
using Portal.Core.Economics;
using Portal.Core.Jobs;
using Portal.Core.Uploads;
using Portal.Models;
using Portal.Tests.Infrastructure;

namespace Portal.Tests.Economics;

/// <summary>Finished jobs with known sizes and run times, and prices that make one second easy to price.</summary>
public static class EconomicsSeed
{
    /// <summary>$3.60 an hour: $0.001 a second of GPU.</summary>
    public const double GpuHourUsd = 3.60;

    /// <summary>$0.36 an hour: $0.0001 a second of CPU.</summary>
    public const double CpuHourUsd = 0.36;

    public sealed record SeedJob(string ModelId, string? Device, QualityLevel Quality, int Cost, int Width, int Height, long RunMilliseconds, JobStatus Status = JobStatus.Succeeded);

    /// <summary>Four measurable jobs, then two that must be left out (failed; device not recorded).</summary>
    public static readonly SeedJob[] Jobs =
    [
        new("net-a", "Cuda", QualityLevel.Fast, 1, 2000, 1000, 3_000),
        new("net-a", "Cuda", QualityLevel.Balanced, 4, 4000, 2000, 9_000),
        new("net-a", "Cpu", QualityLevel.Fast, 1, 1000, 1000, 20_000),
        new("net-b", "Cuda", QualityLevel.Ultra, 4, 2000, 2000, 16_000),
        new("net-b", "Cuda", QualityLevel.Ultra, 4, 2000, 2000, 99_000, JobStatus.Failed),
        new("net-b", null, QualityLevel.Ultra, 4, 2000, 2000, 99_000),
    ];

    /// <summary>Pro sells a credit at 1.8 cents, the small pack at 2.5 cents, the bulk pack at 0.03 cents.</summary>
    public static BillingOptions Billing(params CreditPack[] extraPacks) => new()
    {
        Tiers =
        [
            new PricingTier { Id = "free", Name = "Free", MonthlyCredits = 25, MaxInputMegapixels = 4, MaxUploadMegabytes = 10, Qualities = [QualityLevel.Fast], Scales = [2], RetentionDays = 7 },
            new PricingTier { Id = "pro", Name = "Pro", MonthlyPriceCents = 900, MonthlyCredits = 500, MaxInputMegapixels = 16, MaxUploadMegabytes = 50, Qualities = [QualityLevel.Fast], Scales = [2], RetentionDays = 30 },
        ],
        Packs = [new CreditPack { Id = "small", Name = "Small pack", Credits = 200, PriceCents = 500 }, .. extraPacks],
    };

    /// <summary>A pack so cheap that a credit spent at Ultra (0.4 cents measured) costs more than it was sold for (0.3 cents).</summary>
    public static readonly CreditPack BulkPack = new() { Id = "bulk", Name = "Bulk pack", Credits = 10_000, PriceCents = 3_000 };

    /// <summary>Registers a migrated in-memory database holding <paramref name="jobs"/>, the options and the report service.</summary>
    public static void AddTo(IServiceCollection services, SqliteConnection connection, BillingOptions billing, IEnumerable<SeedJob> jobs, int sampleJobs = 10_000)
    {
        services.AddSingleton(Options.Create(billing));
        services.AddSingleton(Options.Create(new EconomicsOptions { GpuHourUsd = GpuHourUsd, CpuHourUsd = CpuHourUsd, SampleJobs = sampleJobs }));
        services.AddScoped<UnitEconomics>();
        using var db = MigratedDatabase.AddTo(services, connection);
        const string userId = "economics-user";
        db.Users.Add(new PortalUser { Id = userId, UserName = "economics@example.test", Email = "economics@example.test" });
        var image = new StoredImage { Id = Guid.NewGuid(), UserId = userId, FileName = "a.png", StorageKey = "users/x/a.png", Width = 10, Height = 10, CreatedAt = DateTime.UtcNow };
        db.Images.Add(image);
        var completed = new DateTime(2026, 11, 1, 0, 0, 0, DateTimeKind.Utc);
        foreach (var (job, i) in jobs.Select((j, i) => (j, i)))
        {
            db.Jobs.Add(new UpscaleJob
            {
                Id = Guid.NewGuid(), UserId = userId, ImageId = image.Id, BatchId = Guid.NewGuid(), ModelId = job.ModelId,
                Quality = job.Quality, Cost = job.Cost, Scale = 2, Status = job.Status, Device = job.Device,
                OutputWidth = job.Width, OutputHeight = job.Height, RunMilliseconds = job.RunMilliseconds,
                CreatedAt = completed, CompletedAt = completed.AddMinutes(i),
            });
        }

        db.SaveChanges();
    }
}
