namespace Portal.Core.Billing;

/// <summary>
/// One movement of credits, append-only. (Kind, Reference) is unique, so granting for the same invoice or
/// refunding the same job twice fails at the database instead of paying out twice.
/// </summary>
public class CreditEntry
{
    public long Id { get; set; }

    public required string UserId { get; set; }

    public CreditEntryKind Kind { get; set; }

    /// <summary>What caused it: a job id, an invoice id, an event id.</summary>
    public required string Reference { get; set; }

    /// <summary>Change of the subscription bucket (negative when spent).</summary>
    public int SubscriptionAmount { get; set; }

    /// <summary>Change of the pack bucket (negative when spent).</summary>
    public int PackAmount { get; set; }

    public string? Note { get; set; }

    public DateTime CreatedAt { get; set; }
}
