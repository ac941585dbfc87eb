namespace Portal.Core.Billing;

/// <summary>
/// A person's credit balance, one row per account, in two buckets: subscription credits (refilled monthly,
/// expire when the subscription ends) and pack credits (bought once, never expire). Balances only move
/// through the credit ledger (Portal.Core), by conditional updates, in the same transaction as their ledger entry.
/// </summary>
public class CreditAccount
{
    public required string UserId { get; set; }

    public required string TierId { get; set; }

    public int SubscriptionBalance { get; set; }

    public int PackBalance { get; set; }

    public DateTime? PeriodEndsAt { get; set; }

    /// <summary>Stripe customer of this account; set before the first checkout so every event maps back to it.</summary>
    public string? StripeCustomerId { get; set; }

    public string? StripeSubscriptionId { get; set; }

    /// <summary>Stripe's subscription status (active, past_due, canceled, ...); null while never subscribed.</summary>
    public string? SubscriptionStatus { get; set; }

    /// <summary>Creation time of the newest subscription event applied: older ones arriving late are ignored.</summary>
    public DateTime? SubscriptionChangedAt { get; set; }

    public int Total => SubscriptionBalance + PackBalance;
}
