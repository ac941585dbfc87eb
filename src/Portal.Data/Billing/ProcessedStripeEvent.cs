namespace Portal.Core.Billing;

/// <summary>
/// A Stripe event whose effect is stored. Written in the same transaction as the effect; its primary key
/// makes a second delivery of the same event fail at the database, so it changes nothing.
/// </summary>
public class ProcessedStripeEvent
{
    public required string Id { get; set; }

    public required string Type { get; set; }

    public DateTime ProcessedAt { get; set; }

    /// <summary>What was done, or why nothing was (unknown customer, deleted account): the audit trail of fulfilment.</summary>
    public string? Outcome { get; set; }
}
