using Bunit;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Portal.Core.Billing;
using Portal.Models;
using Portal.Web.Components.Shared;

namespace Portal.Tests.Components;

public sealed class PricingTableShowsConfiguredTiers : ComponentTest
{
    [Fact]
    public void Each_tier_shows_its_price_credits_qualities_and_limits()
    {
        Services.AddSingleton(Options.Create(new BillingOptions
        {
            Tiers =
            [
                new PricingTier { Id = "free", Name = "Starter", MonthlyCredits = 10, MaxInputMegapixels = 2, MaxUploadMegabytes = 5, Qualities = [QualityLevel.Fast], Scales = [2], RetentionDays = 3 },
                new PricingTier { Id = "max", Name = "Maximum", MonthlyPriceCents = 4950, MonthlyCredits = 9000, MaxInputMegapixels = 50, MaxUploadMegabytes = 300, Qualities = [QualityLevel.Fast, QualityLevel.Ultra], Scales = [2, 8], RetentionDays = 60, QueuePriority = 3 },
            ],
        }));

        var table = Render<PricingTable>();

        var free = table.Find("[data-testid=tier-free]");
        Assert.Contains("Starter", free.TextContent);
        Assert.Contains("Free", free.TextContent);
        Assert.Contains("10 credits every month", free.TextContent);
        Assert.DoesNotContain("Priority", free.TextContent);

        var max = table.Find("[data-testid=tier-max]");
        Assert.Contains("$49.50", max.TextContent);
        Assert.Contains("9,000 credits every month", max.TextContent);
        Assert.Contains("Fast, Ultra", max.TextContent);
        Assert.Contains("2x, 8x", max.TextContent);
        Assert.Contains("50 MP, 300 MB", max.TextContent);
        Assert.Contains("Priority in the queue", max.TextContent);
    }
}
