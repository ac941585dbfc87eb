using System.ComponentModel.DataAnnotations;

namespace Portal.Core.Billing;

/// <summary>A one-time purchase of credits, as configured under <c>Billing:Packs</c>. Pack credits never expire.</summary>
public sealed class CreditPack
{
    [Required, RegularExpression("^[a-z][a-z0-9-]*$")]
    public string Id { get; set; } = "";

    [Required]
    public string Name { get; set; } = "";

    [Range(1, 10_000_000)]
    public int Credits { get; set; }

    [Range(1, 10_000_000)]
    public int PriceCents { get; set; }

    /// <summary>Stripe price id of the one-time price; not needed for the local test checkout.</summary>
    public string? StripePriceId { get; set; }
}
