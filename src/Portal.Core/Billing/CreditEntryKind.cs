namespace Portal.Core.Billing;

public enum CreditEntryKind
{
    MonthlyGrant,
    Purchase,
    Reserve,
    Refund,
    Adjustment,
    Expiry,
}
