namespace Portal.Core.Billing;

public enum CreditEntryKind
{
    MonthlyGrant,
    Purchase,
    Reserve,
    Refund,
    Adjustment,
    Expiry,

    /// <summary>Pack credits taken back because the payment was refunded (reference: the payment intent).</summary>
    PackRefund,
}
