namespace Portal.Core.Billing;

/// <summary>
/// A person's credit balance, one row per account, in two buckets: subscription credits (refilled monthly,
/// expire when the subscription ends) and pack credits (bought once, never expire). Balances only move
/// through <see cref="CreditLedger"/>, by conditional updates, in the same transaction as their ledger entry.
/// </summary>
public class CreditAccount
{
    public required string UserId { get; set; }

    public required string TierId { get; set; }

    public int SubscriptionBalance { get; set; }

    public int PackBalance { get; set; }

    public DateTime? PeriodEndsAt { get; set; }

    public int Total => SubscriptionBalance + PackBalance;
}
