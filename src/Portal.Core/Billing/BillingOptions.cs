using System.ComponentModel.DataAnnotations;

namespace Portal.Core.Billing;

/// <summary>Configuration section <c>Billing</c>: the tiers people can be on.</summary>
public sealed class BillingOptions : IValidatableObject
{
    public const string SectionName = "Billing";

    [Required, StringLength(3, MinimumLength = 3)]
    public string Currency { get; set; } = "usd";

    public List<PricingTier> Tiers { get; set; } = [];

    /// <summary>The tier every new account starts on: the one that costs nothing.</summary>
    /// <remarks>A method, not a property: the configuration binder reads every property getter.</remarks>
    public PricingTier GetFreeTier() => Tiers.First(t => t.MonthlyPriceCents == 0);

    public PricingTier? FindTier(string id) => Tiers.FirstOrDefault(t => t.Id == id);

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

            if (tier.Scales.Any(s => s is not (2 or 3 or 4 or 8)))
            {
                yield return new ValidationResult($"Billing:Tiers '{tier.Id}': scales must be 2, 3, 4 or 8.");
            }
        }
    }
}
