namespace Portal.Tests.Billing;

/// <summary>One call the portal made to the fake Stripe.</summary>
public sealed record FakeStripeRequest(string Path, Dictionary<string, string> Form, string IdempotencyKey, string Authorization);
