using System.Net;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Portal.Core.Billing;
using Portal.Core.Data;
using Portal.Web.Features.Billing;

namespace Portal.Tests.Billing;

/// <summary>
/// Stripe delivers at least once and in no promised order: every event twice, in shuffled orders, must land on
/// the same account state as the events in order.
/// </summary>
public sealed class EventsTwiceAndShuffled(BillingFactory factory) : IClassFixture<BillingFactory>
{
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Every_event_twice_in_any_order_gives_the_same_final_state(bool cancelled)
    {
        var states = new List<(string Tier, int Subscription, int Packs, string? Status)>();
        foreach (var seed in new[] { -1, 1, 2, 3, 4 })
        {
            var (userId, events) = await ScenarioAsync(cancelled);
            var deliveries = events.Concat(events).ToList();
            if (seed >= 0)
            {
                new Random(seed).Shuffle(System.Runtime.InteropServices.CollectionsMarshal.AsSpan(deliveries));
            }
            else
            {
                deliveries = events.SelectMany(e => new[] { e, e }).ToList(); // in order, each twice
            }

            var client = factory.CreateClient();
            foreach (var payload in deliveries)
            {
                var response = await SignedWebhooks.PostSignedAsync(client, payload);
                Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            }

            await using var scope = factory.Services.CreateAsyncScope();
            var account = await scope.ServiceProvider.GetRequiredService<CreditLedger>().GetAccountAsync(userId);
            states.Add((account.TierId, account.SubscriptionBalance, account.PackBalance, account.SubscriptionStatus));
        }

        // Free grant 25 + two Pro invoices (capped at 1000), one 200-credit pack kept, one refunded.
        var expected = cancelled ? ("free", 0, 200, "canceled") : ("pro", 1000, 200, "active");
        Assert.All(states, s => Assert.Equal(expected, s));
    }

    [Fact]
    public async Task The_processed_event_rows_and_ledger_entries_are_written_once()
    {
        var (userId, events) = await ScenarioAsync(cancelled: false);
        var client = factory.CreateClient();
        await Task.WhenAll(events.Concat(events).Select(e => SignedWebhooks.PostSignedAsync(client, e)));
        // A racing twin may lose with a database error and be retried by Stripe; deliver once more in order.
        foreach (var payload in events)
        {
            Assert.Equal(HttpStatusCode.OK, (await SignedWebhooks.PostSignedAsync(client, payload)).StatusCode);
        }

        await using var scope = factory.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<PortalDbContext>();
        var entries = await db.CreditEntries.Where(e => e.UserId == userId).ToListAsync();
        Assert.Equal(2, entries.Count(e => e.Kind == CreditEntryKind.MonthlyGrant && e.Reference.StartsWith("in_")));
        Assert.Equal(2, entries.Count(e => e.Kind == CreditEntryKind.Purchase));
        Assert.Single(entries, e => e.Kind == CreditEntryKind.PackRefund);
    }

    private async Task<(string UserId, List<string> Events)> ScenarioAsync(bool cancelled)
    {
        var userId = await factory.CreateUserAsync();
        var customer = StripeEventJson.NewId("cus");
        await using (var scope = factory.Services.CreateAsyncScope())
        {
            // As CheckoutService does before sending anyone to Checkout.
            await scope.ServiceProvider.GetRequiredService<CreditLedger>().GetAccountAsync(userId);
            await scope.ServiceProvider.GetRequiredService<PortalDbContext>().CreditAccounts.Where(a => a.UserId == userId)
                .ExecuteUpdateAsync(s => s.SetProperty(a => a.StripeCustomerId, customer));
        }

        var t = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        var subscription = StripeEventJson.NewId("sub");
        var periodEnd = DateTimeOffset.UtcNow.AddMonths(1).ToUnixTimeSeconds();
        var meta = new Dictionary<string, string> { ["user_id"] = userId, ["kind"] = "subscription", ["tier"] = "pro" };
        var kept = StripeEventJson.NewId("pi");
        var refunded = StripeEventJson.NewId("pi");
        var pack = new Dictionary<string, string> { ["user_id"] = userId, ["kind"] = "pack", ["pack"] = "small" };
        var events = new List<string>
        {
            StripeEventJson.CheckoutCompleted(StripeEventJson.NewId("cs"), userId, customer, "subscription", meta, subscription, null, t),
            StripeEventJson.InvoicePaid(StripeEventJson.NewId("in"), customer, subscription, "pro", null, periodEnd, t),
            StripeEventJson.Subscription("customer.subscription.updated", subscription, customer, "active", "pro", null, periodEnd, t + 1),
            StripeEventJson.InvoicePaid(StripeEventJson.NewId("in"), customer, subscription, "pro", null, periodEnd + (30 * 86400), t + 2),
            StripeEventJson.CheckoutCompleted(StripeEventJson.NewId("cs"), userId, customer, "payment", pack, null, kept, t + 3),
            StripeEventJson.CheckoutCompleted(StripeEventJson.NewId("cs"), userId, customer, "payment", pack, null, refunded, t + 4),
            StripeEventJson.ChargeRefunded(StripeEventJson.NewId("ch"), customer, refunded, pack, t + 5),
        };
        if (cancelled)
        {
            events.Add(StripeEventJson.Subscription("customer.subscription.deleted", subscription, customer, "canceled", "pro", null, periodEnd, t + 6));
        }

        return (userId, events);
    }
}
