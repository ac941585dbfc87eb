using System.Text.Json;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.Extensions.Options;
using Portal.Core.Billing;

namespace Portal.Web.Features.Billing;

/// <summary>
/// The purchase flow without Stripe keys: a test page stands in for Stripe Checkout and, when confirmed, posts
/// Stripe-shaped events signed with the local webhook secret to the portal's own webhook endpoint, so the very
/// same verification and fulfilment run. Never available in Production.
/// </summary>
public sealed class LocalCheckout(
    IDataProtectionProvider protection,
    IHttpClientFactory httpClients,
    WebhookSigningSecret secret,
    IOptions<StripeOptions> stripe,
    IOptions<BillingOptions> billing,
    IHostEnvironment environment,
    TimeProvider clock)
{
    /// <summary>Name of the HTTP client that reaches this app itself (tests swap its handler for the in-memory server).</summary>
    public const string SelfClient = "portal-self";

    private readonly IDataProtector protector = protection.CreateProtector("Portal.Billing.LocalCheckout");

    /// <summary>Only when no Stripe key is configured, and never in Production.</summary>
    public bool IsAvailable => !stripe.Value.UsesStripe() && !environment.IsProduction();

    public string CreateTicket(string userId, string customerId, string kind, string itemId) =>
        protector.Protect(JsonSerializer.Serialize(new LocalCheckoutTicket(
            StripeEventJson.NewId("cs"), userId, customerId, kind, itemId, clock.GetUtcNow().AddHours(1))));

    public LocalCheckoutTicket? ReadTicket(string? ticket, string userId)
    {
        if (string.IsNullOrEmpty(ticket))
        {
            return null;
        }

        try
        {
            var read = JsonSerializer.Deserialize<LocalCheckoutTicket>(protector.Unprotect(ticket));
            return read is not null && read.UserId == userId && read.ExpiresAt > clock.GetUtcNow() ? read : null;
        }
        catch (Exception e) when (e is System.Security.Cryptography.CryptographicException or JsonException)
        {
            return null;
        }
    }

    /// <summary>Posts the events Stripe would send for this ticket to <paramref name="appBase"/>/api/stripe/webhook.</summary>
    public async Task<string?> CompleteAsync(LocalCheckoutTicket ticket, Uri appBase, CancellationToken cancellationToken)
    {
        if (!IsAvailable)
        {
            return "The test checkout is not available here.";
        }

        var now = clock.GetUtcNow();
        var created = now.ToUnixTimeSeconds();
        var periodEnd = now.AddMonths(1).ToUnixTimeSeconds();
        var events = new List<string>();
        var metadata = new Dictionary<string, string> { ["user_id"] = ticket.UserId, ["kind"] = ticket.Kind };
        switch (ticket.Kind)
        {
            case BillingKinds.Subscription when billing.Value.FindTier(ticket.ItemId) is { } tier:
                var subscriptionId = StripeEventJson.NewId("sub");
                metadata["tier"] = tier.Id;
                events.Add(StripeEventJson.CheckoutCompleted(ticket.SessionId, ticket.UserId, ticket.CustomerId, "subscription", metadata, subscriptionId, null, created));
                events.Add(StripeEventJson.InvoicePaid(StripeEventJson.NewId("in"), ticket.CustomerId, subscriptionId, tier.Id, tier.StripePriceId, periodEnd, created));
                break;
            case BillingKinds.Pack when billing.Value.FindPack(ticket.ItemId) is { } pack:
                metadata["pack"] = pack.Id;
                events.Add(StripeEventJson.CheckoutCompleted(ticket.SessionId, ticket.UserId, ticket.CustomerId, "payment", metadata, null, StripeEventJson.NewId("pi"), created));
                break;
            case BillingKinds.Cancel:
                events.Add(StripeEventJson.Subscription("customer.subscription.deleted", ticket.ItemId, ticket.CustomerId, "canceled", "", null, periodEnd, created));
                break;
            default:
                return "That plan or pack no longer exists.";
        }

        using var client = httpClients.CreateClient(SelfClient);
        foreach (var payload in events)
        {
            using var content = new StringContent(payload, System.Text.Encoding.UTF8, "application/json");
            using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(appBase, "api/stripe/webhook")) { Content = content };
            request.Headers.TryAddWithoutValidation(StripeSignature.HeaderName, StripeSignature.Header(payload, secret.Value, created));
            using var response = await client.SendAsync(request, cancellationToken);
            if (!response.IsSuccessStatusCode)
            {
                return $"The webhook endpoint answered {(int)response.StatusCode}.";
            }
        }

        return null;
    }
}
