using System.Security.Cryptography;
using Microsoft.Extensions.Options;

namespace Portal.Web.Features.Billing;

/// <summary>
/// The secret webhooks are verified with: the configured one, or (local test checkout) a random one made at
/// start-up that never leaves the process, so only this process can sign events it accepts.
/// </summary>
public sealed class WebhookSigningSecret(IOptions<StripeOptions> options)
{
    private readonly string value = string.IsNullOrWhiteSpace(options.Value.WebhookSecret)
        ? "whsec_local_" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(32))
        : options.Value.WebhookSecret;

    internal string Value => value;

    public override string ToString() => "whsec_***";
}
