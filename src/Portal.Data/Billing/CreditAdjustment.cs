namespace Portal.Core.Billing;

/// <summary>
/// Audit of an administrator's credit adjustment, kept for refused attempts too. No foreign keys: the record
/// outlives the accounts it names.
/// </summary>
public class CreditAdjustment
{
    public long Id { get; set; }

    public required string UserId { get; set; }

    public required string AdminUserId { get; set; }

    public int Amount { get; set; }

    public required string Reason { get; set; }

    public bool Applied { get; set; }

    public string? Outcome { get; set; }

    public DateTime CreatedAt { get; set; }
}
