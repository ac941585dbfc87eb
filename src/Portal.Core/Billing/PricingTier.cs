using System.ComponentModel.DataAnnotations;
using Portal.Models;

namespace Portal.Core.Billing;

/// <summary>One subscription plan, as configured under <c>Billing:Tiers</c>.</summary>
public sealed class PricingTier
{
    [Required, RegularExpression("^[a-z][a-z0-9-]*$")]
    public string Id { get; set; } = "";

    [Required]
    public string Name { get; set; } = "";

    public string Tagline { get; set; } = "";

    /// <summary>Monthly price in the smallest currency unit (cents); 0 is the free tier.</summary>
    [Range(0, 10_000_000)]
    public int MonthlyPriceCents { get; set; }

    [Range(0, 10_000_000)]
    public int MonthlyCredits { get; set; }

    /// <summary>Most subscription credits kept when the monthly grant arrives (unused credits roll over up to this); 0: no rollover.</summary>
    [Range(0, 100_000_000)]
    public int RolloverCapCredits { get; set; }

    [Range(0.01, 1000)]
    public double MaxInputMegapixels { get; set; }

    [Range(1, 2048)]
    public int MaxUploadMegabytes { get; set; }

    [MinLength(1)]
    public List<QualityLevel> Qualities { get; set; } = [];

    [MinLength(1)]
    public List<int> Scales { get; set; } = [];

    [Range(1, 3650)]
    public int RetentionDays { get; set; }

    /// <summary>Higher runs first when the queue is busy.</summary>
    public int QueuePriority { get; set; }

    /// <summary>Stripe price id of the subscription; empty for the free tier.</summary>
    public string? StripePriceId { get; set; }
}
