using System.ComponentModel.DataAnnotations;

namespace Portal.Core.Billing;

/// <summary>Configuration section <c>Billing</c>: the tiers people can be on.</summary>
public sealed class BillingOptions : IValidatableObject
{
    public const string SectionName = "Billing";

    [Required, StringLength(3, MinimumLength = 3)]
    public string Currency { get; set; } = "usd";

    public List<PricingTier> Tiers { get; set; } = [];

    /// <summary>One-time credit packs (<c>Billing:Packs</c>).</summary>
    public List<CreditPack> Packs { get; set; } = [];

    /// <summary>The tier every new account starts on: the one that costs nothing.</summary>
    /// <remarks>A method, not a property: the configuration binder reads every property getter.</remarks>
    public PricingTier GetFreeTier() => Tiers.First(t => t.MonthlyPriceCents == 0);

    public PricingTier? FindTier(string id) => Tiers.FirstOrDefault(t => t.Id == id);

    public PricingTier? FindTierByPrice(string? stripePriceId) =>
        string.IsNullOrEmpty(stripePriceId) ? null : Tiers.FirstOrDefault(t => t.StripePriceId == stripePriceId);

    public CreditPack? FindPack(string id) => Packs.FirstOrDefault(p => p.Id == id);

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (Tiers.Count == 0)
        {
            yield return new ValidationResult("Billing:Tiers must list at least one tier.");
            yield break;
        }

        if (Tiers.Count(t => t.MonthlyPriceCents == 0) != 1)
        {
            yield return new ValidationResult("Billing:Tiers must have exactly one free tier (MonthlyPriceCents = 0).");
        }

        foreach (var duplicate in Tiers.GroupBy(t => t.Id).Where(g => g.Count() > 1))
        {
            yield return new ValidationResult($"Billing:Tiers has the id '{duplicate.Key}' more than once.");
        }

        foreach (var tier in Tiers)
        {
            var results = new List<ValidationResult>();
            Validator.TryValidateObject(tier, new ValidationContext(tier), results, validateAllProperties: true);
            foreach (var result in results)
            {
                yield return new ValidationResult($"Billing:Tiers '{tier.Id}': {result.ErrorMessage}");
            }

            if (tier.RolloverCapCredits != 0 && tier.RolloverCapCredits < tier.MonthlyCredits)
            {
                yield return new ValidationResult($"Billing:Tiers '{tier.Id}': RolloverCapCredits must be 0 or at least MonthlyCredits.");
            }

            if (tier.Scales.Any(s => s is not (2 or 3 or 4 or 8)))
            {
                yield return new ValidationResult($"Billing:Tiers '{tier.Id}': scales must be 2, 3, 4 or 8.");
            }
        }

        foreach (var duplicate in Packs.GroupBy(p => p.Id).Where(g => g.Count() > 1))
        {
            yield return new ValidationResult($"Billing:Packs has the id '{duplicate.Key}' more than once.");
        }

        foreach (var pack in Packs)
        {
            var results = new List<ValidationResult>();
            Validator.TryValidateObject(pack, new ValidationContext(pack), results, validateAllProperties: true);
            foreach (var result in results)
            {
                yield return new ValidationResult($"Billing:Packs '{pack.Id}': {result.ErrorMessage}");
            }
        }
    }
}
