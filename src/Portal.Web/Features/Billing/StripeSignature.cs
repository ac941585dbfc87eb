using System.Security.Cryptography;
using System.Text;

namespace Portal.Web.Features.Billing;

/// <summary>Signs a payload the way Stripe does: <c>t=TIMESTAMP,v1=hex(HMAC-SHA256(secret, "TIMESTAMP.payload"))</c>.</summary>
public static class StripeSignature
{
    public const string HeaderName = "Stripe-Signature";

    public static string Header(string payload, string secret, long unixTimestamp)
    {
        var signed = HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), Encoding.UTF8.GetBytes($"{unixTimestamp}.{payload}"));
        return $"t={unixTimestamp},v1={Convert.ToHexStringLower(signed)}";
    }
}
