using System.Net;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Portal.Core.Billing;
using Portal.Core.Data;
using Portal.Web.Features.Billing;

namespace Portal.Tests.Billing;

/// <summary>The webhook accepts only what Stripe signed, over the exact bytes, within the tolerance.</summary>
public sealed class WebhookSignatures(BillingFactory factory) : IClassFixture<BillingFactory>
{
    [Fact]
    public async Task A_correctly_signed_event_is_fulfilled_and_a_repeat_changes_nothing()
    {
        var (userId, payload) = await PackEventAsync();
        var client = factory.CreateClient();

        var first = await SignedWebhooks.PostSignedAsync(client, payload);
        var second = await SignedWebhooks.PostSignedAsync(client, payload);

        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        Assert.Equal(HttpStatusCode.OK, second.StatusCode);
        Assert.Contains(StripeWebhookProcessor.Duplicate, await second.Content.ReadAsStringAsync());
        Assert.Equal(200, await PackBalanceAsync(userId));
    }

    [Fact]
    public async Task Tampered_expired_wrongly_signed_or_unsigned_events_get_400_and_change_nothing()
    {
        var (userId, payload) = await PackEventAsync();
        var client = factory.CreateClient();
        var now = DateTimeOffset.UtcNow;
        var tampered = payload.Replace("\"small\"", "\"large\"", StringComparison.Ordinal);
        Assert.NotEqual(payload, tampered);

        var attempts = new[]
        {
            await SignedWebhooks.PostAsync(client, tampered, SignedWebhooks.Sign(payload, BillingFactory.WebhookSecret, now)),
            await SignedWebhooks.PostAsync(client, payload, SignedWebhooks.Sign(payload, BillingFactory.WebhookSecret, now.AddMinutes(-6))),
            await SignedWebhooks.PostAsync(client, payload, SignedWebhooks.Sign(payload, "whsec_someone_else", now)),
            await SignedWebhooks.PostAsync(client, payload, null),
            await SignedWebhooks.PostAsync(client, payload, "t=1,v1=00"),
        };

        Assert.All(attempts, r => Assert.Equal(HttpStatusCode.BadRequest, r.StatusCode));
        Assert.Equal(0, await PackBalanceAsync(userId));
        using var scope = factory.Services.CreateScope();
        Assert.False(await scope.ServiceProvider.GetRequiredService<PortalDbContext>().ProcessedStripeEvents.AnyAsync(e => payload.Contains(e.Id)));
    }

    [Fact]
    public async Task A_pack_paid_by_an_account_deleted_since_grants_nothing_and_is_recorded()
    {
        var payload = StripeEventJson.CheckoutCompleted("cs_gone", "deleted-user-id", "cus_gone", "payment",
            new Dictionary<string, string> { ["kind"] = "pack", ["pack"] = "small" }, null, "pi_gone", DateTimeOffset.UtcNow.ToUnixTimeSeconds());

        var response = await SignedWebhooks.PostSignedAsync(factory.CreateClient(), payload);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        using var scope = factory.Services.CreateScope();
        var db = scope.ServiceProvider.GetRequiredService<PortalDbContext>();
        var processed = await db.ProcessedStripeEvents.SingleAsync(e => e.Type == "checkout.session.completed" && e.Outcome!.Contains("cs_gone"));
        Assert.Contains("no such account", processed.Outcome);
        Assert.False(await db.CreditEntries.AnyAsync(e => e.Reference == "pi_gone"));
    }

    private async Task<(string UserId, string Payload)> PackEventAsync()
    {
        var userId = await factory.CreateUserAsync();
        var payload = StripeEventJson.CheckoutCompleted(StripeEventJson.NewId("cs"), userId, StripeEventJson.NewId("cus"), "payment",
            new Dictionary<string, string> { ["user_id"] = userId, ["kind"] = "pack", ["pack"] = "small" },
            null, StripeEventJson.NewId("pi"), DateTimeOffset.UtcNow.ToUnixTimeSeconds());
        return (userId, payload);
    }

    private async Task<int> PackBalanceAsync(string userId)
    {
        await using var scope = factory.Services.CreateAsyncScope();
        return (await scope.ServiceProvider.GetRequiredService<CreditLedger>().GetAccountAsync(userId)).PackBalance;
    }
}
