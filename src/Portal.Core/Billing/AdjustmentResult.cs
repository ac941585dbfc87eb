namespace Portal.Core.Billing;

/// <summary>Whether an adjustment was applied, with a message for the administrator, and the balance after.</summary>
public readonly record struct AdjustmentResult(bool Applied, string Message, int Balance);
