using System.Text.Json;
using System.Text.Json.Nodes;
using Stripe;

namespace Portal.Web.Features.Billing;

/// <summary>
/// Stripe-shaped event payloads for the local test checkout (and the tests): only the fields our fulfilment
/// reads, in Stripe's JSON, so <c>EventUtility.ConstructEvent</c> parses them into the same typed objects.
/// </summary>
public static class StripeEventJson
{
    public static string NewId(string prefix) => $"{prefix}_local_{Guid.NewGuid():N}";

    public static string CheckoutCompleted(string sessionId, string userId, string customerId, string mode, IDictionary<string, string> metadata,
        string? subscriptionId, string? paymentIntentId, long created) =>
        Event("checkout.session.completed", created, new JsonObject
        {
            ["id"] = sessionId,
            ["object"] = "checkout.session",
            ["mode"] = mode,
            ["status"] = "complete",
            ["payment_status"] = "paid",
            ["client_reference_id"] = userId,
            ["customer"] = customerId,
            ["subscription"] = subscriptionId,
            ["payment_intent"] = paymentIntentId,
            ["metadata"] = Metadata(metadata),
        });

    public static string InvoicePaid(string invoiceId, string customerId, string subscriptionId, string tierId, string? priceId, long periodEnd, long created) =>
        Event("invoice.paid", created, new JsonObject
        {
            ["id"] = invoiceId,
            ["object"] = "invoice",
            ["customer"] = customerId,
            ["status"] = "paid",
            ["billing_reason"] = "subscription_cycle",
            ["parent"] = new JsonObject
            {
                ["type"] = "subscription_details",
                ["subscription_details"] = new JsonObject
                {
                    ["subscription"] = subscriptionId,
                    ["metadata"] = Metadata(new Dictionary<string, string> { ["tier"] = tierId }),
                },
            },
            ["lines"] = new JsonObject
            {
                ["object"] = "list",
                ["data"] = new JsonArray(new JsonObject
                {
                    ["id"] = $"il_{invoiceId}",
                    ["object"] = "line_item",
                    ["period"] = new JsonObject { ["start"] = periodEnd - (30 * 86400), ["end"] = periodEnd },
                    ["pricing"] = new JsonObject
                    {
                        ["type"] = "price_details",
                        ["price_details"] = new JsonObject { ["price"] = priceId, ["product"] = "prod_local" },
                    },
                }),
            },
        });

    public static string Subscription(string type, string subscriptionId, string customerId, string status, string tierId, string? priceId,
        long periodEnd, long created, bool cancelAtPeriodEnd = false) =>
        Event(type, created, new JsonObject
        {
            ["id"] = subscriptionId,
            ["object"] = "subscription",
            ["customer"] = customerId,
            ["status"] = status,
            ["cancel_at_period_end"] = cancelAtPeriodEnd,
            ["metadata"] = Metadata(new Dictionary<string, string> { ["tier"] = tierId }),
            ["items"] = new JsonObject
            {
                ["object"] = "list",
                ["data"] = new JsonArray(new JsonObject
                {
                    ["id"] = $"si_{subscriptionId}",
                    ["object"] = "subscription_item",
                    ["current_period_end"] = periodEnd,
                    ["price"] = new JsonObject { ["id"] = priceId, ["object"] = "price" },
                }),
            },
        });

    public static string ChargeRefunded(string chargeId, string customerId, string paymentIntentId, IDictionary<string, string> metadata, long created) =>
        Event("charge.refunded", created, new JsonObject
        {
            ["id"] = chargeId,
            ["object"] = "charge",
            ["customer"] = customerId,
            ["payment_intent"] = paymentIntentId,
            ["refunded"] = true,
            ["metadata"] = Metadata(metadata),
        });

    private static JsonObject Metadata(IDictionary<string, string> values)
    {
        var metadata = new JsonObject();
        foreach (var (key, value) in values)
        {
            metadata[key] = value;
        }

        return metadata;
    }

    private static string Event(string type, long created, JsonObject data) =>
        new JsonObject
        {
            ["id"] = NewId("evt"),
            ["object"] = "event",
            ["api_version"] = StripeConfiguration.ApiVersion,
            ["created"] = created,
            ["livemode"] = false,
            ["pending_webhooks"] = 1,
            ["type"] = type,
            ["data"] = new JsonObject { ["object"] = data },
        }.ToJsonString(JsonOptions);

    private static readonly JsonSerializerOptions JsonOptions = new() { WriteIndented = false };
}
