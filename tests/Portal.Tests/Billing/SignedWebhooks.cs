using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;

namespace Portal.Tests.Billing;

/// <summary>
/// Posts events the way Stripe does: <c>Stripe-Signature: t=UNIX,v1=hex(HMAC-SHA256(secret, "t.payload"))</c>,
/// computed here independently of the portal's own signer.
/// </summary>
public static class SignedWebhooks
{
    public static string Sign(string payload, string secret, DateTimeOffset at)
    {
        var timestamp = at.ToUnixTimeSeconds();
        var mac = HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), Encoding.UTF8.GetBytes($"{timestamp}.{payload}"));
        return $"t={timestamp},v1={Convert.ToHexString(mac).ToLowerInvariant()}";
    }

    public static async Task<HttpResponseMessage> PostAsync(HttpClient client, string payload, string? signature)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/stripe/webhook")
        {
            Content = new StringContent(payload, Encoding.UTF8, new MediaTypeHeaderValue("application/json")),
        };
        if (signature is not null)
        {
            request.Headers.TryAddWithoutValidation("Stripe-Signature", signature);
        }

        return await client.SendAsync(request);
    }

    public static Task<HttpResponseMessage> PostSignedAsync(HttpClient client, string payload, string secret = BillingFactory.WebhookSecret) =>
        PostAsync(client, payload, Sign(payload, secret, DateTimeOffset.UtcNow));
}
