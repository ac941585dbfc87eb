namespace Portal.Web.Features.Billing;

/// <summary>
/// Configuration section <c>Stripe</c>. Keys come from user-secrets or the environment (<c>Stripe__SecretKey</c>),
/// never from a committed file, and are never logged. Without a secret key the portal uses its local test checkout.
/// </summary>
public sealed class StripeOptions
{
    public const string SectionName = "Stripe";

    /// <summary>Secret API key (sk_test_... / sk_live_...); empty: local test checkout.</summary>
    public string SecretKey { get; set; } = "";

    /// <summary>Signing secret of the webhook endpoint (whsec_...); required with a secret key.</summary>
    public string WebhookSecret { get; set; } = "";

    /// <summary>Another API address, for tests against a fake Stripe; empty: Stripe's own.</summary>
    public string ApiBase { get; set; } = "";

    /// <summary>How old a signed webhook may be (Stripe's default tolerance is five minutes).</summary>
    public int WebhookToleranceSeconds { get; set; } = 300;

    /// <summary>A method, not a property: the configuration binder reads every property getter.</summary>
    public bool UsesStripe() => !string.IsNullOrWhiteSpace(SecretKey);
}
