namespace Portal.Core.Billing;

/// <summary>Whether credits were taken, and the balance after (or the balance that fell short).</summary>
public readonly record struct ReserveResult(bool Reserved, int Balance);
