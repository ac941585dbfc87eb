using System.Net;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Portal.Core.Billing;
using Portal.Core.Data;
using Portal.Web.Features.Billing;

namespace Portal.Tests.Billing;

/// <summary>Plan changes made in the Customer Portal arrive as subscription updates: tier by price, past_due keeps the plan.</summary>
public sealed class SubscriptionChanges : IDisposable
{
    private readonly BillingFactory factory = new();

    public SubscriptionChanges()
    {
        factory.Settings["Billing:Tiers:1:StripePriceId"] = "price_pro";
        factory.Settings["Billing:Tiers:2:StripePriceId"] = "price_studio";
    }

    [Fact]
    public async Task An_update_moves_the_tier_by_price_keeps_it_while_past_due_and_drops_it_when_unpaid_and_a_stale_update_is_ignored()
    {
        var (userId, customer) = await CustomerAsync();
        var subscription = StripeEventJson.NewId("sub");
        var t = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        var periodEnd = DateTimeOffset.UtcNow.AddDays(20).ToUnixTimeSeconds();
        var client = factory.CreateClient();

        async Task<CreditAccount> DeliverAsync(string status, string price, long created)
        {
            var payload = StripeEventJson.Subscription("customer.subscription.updated", subscription, customer, status, "", price, periodEnd, created);
            Assert.Equal(HttpStatusCode.OK, (await SignedWebhooks.PostSignedAsync(client, payload)).StatusCode);
            await using var scope = factory.Services.CreateAsyncScope();
            return await scope.ServiceProvider.GetRequiredService<PortalDbContext>().CreditAccounts.AsNoTracking().SingleAsync(a => a.UserId == userId);
        }

        var upgraded = await DeliverAsync("active", "price_studio", t);
        Assert.Equal(("studio", "active"), (upgraded.TierId, upgraded.SubscriptionStatus));
        Assert.Equal(DateTimeOffset.FromUnixTimeSeconds(periodEnd).UtcDateTime, upgraded.PeriodEndsAt);

        var pastDue = await DeliverAsync("past_due", "price_studio", t + 10);
        Assert.Equal(("studio", "past_due"), (pastDue.TierId, pastDue.SubscriptionStatus));

        var stale = await DeliverAsync("active", "price_pro", t + 5);
        Assert.Equal(("studio", "past_due"), (stale.TierId, stale.SubscriptionStatus));

        var unpaid = await DeliverAsync("unpaid", "price_studio", t + 20);
        Assert.Equal(("free", "unpaid"), (unpaid.TierId, unpaid.SubscriptionStatus));
    }

    private async Task<(string UserId, string Customer)> CustomerAsync()
    {
        var userId = await factory.CreateUserAsync();
        var customer = StripeEventJson.NewId("cus");
        await using var scope = factory.Services.CreateAsyncScope();
        await scope.ServiceProvider.GetRequiredService<CreditLedger>().GetAccountAsync(userId);
        await scope.ServiceProvider.GetRequiredService<PortalDbContext>().CreditAccounts.Where(a => a.UserId == userId)
            .ExecuteUpdateAsync(s => s.SetProperty(a => a.StripeCustomerId, customer));
        return (userId, customer);
    }

    public void Dispose() => factory.Dispose();
}
