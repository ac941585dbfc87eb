using System.Net;
using System.Text.RegularExpressions;
using Portal.Tests.Infrastructure;

namespace Portal.Tests.Billing;

/// <summary>Without Stripe keys the whole purchase runs through the labelled test checkout and the real webhook.</summary>
public sealed partial class LocalTestCheckout(BillingFactory factory) : IClassFixture<BillingFactory>
{
    [Fact]
    public async Task A_free_user_upgrades_to_Pro_and_buys_a_pack_through_the_signed_webhook_then_cancels()
    {
        var client = await TestAccounts.CreateLoggedInAsync(factory);
        var billing = await client.GetStringAsync("/billing");
        Assert.Contains("Test mode", billing);
        Assert.Equal("Free", BillingForms.TestId(billing, "billing-tier"));

        var start = await BillingForms.SubmitAsync(client, "/billing", "value=\"pro\"");
        Assert.Equal(HttpStatusCode.Redirect, start.StatusCode);
        var checkoutPath = start.Headers.Location!.PathAndQuery;
        Assert.StartsWith("/billing/test-checkout?ticket=", checkoutPath);
        var checkout = await client.GetStringAsync(checkoutPath);
        Assert.Contains("TEST MODE", checkout);
        Assert.Contains("Pro plan", checkout);

        var paid = await BillingForms.SubmitAsync(client, checkoutPath, "test-checkout/complete");
        Assert.Equal("/billing?checkout=success", paid.Headers.Location!.OriginalString);
        billing = await client.GetStringAsync("/billing");
        Assert.Equal("Pro", BillingForms.TestId(billing, "billing-tier"));
        Assert.Equal("525", BillingForms.TestId(billing, "billing-balance"));
        Assert.Contains("Renews", billing);

        var pack = await BillingForms.SubmitAsync(client, "/billing", "value=\"small\"");
        await BillingForms.SubmitAsync(client, pack.Headers.Location!.PathAndQuery, "test-checkout/complete");
        billing = await client.GetStringAsync("/billing");
        Assert.Equal("200", BillingForms.TestId(billing, "billing-pack-credits"));
        Assert.Equal(3, LedgerRow().Matches(billing).Count); // signup grant, Pro grant, pack

        var manage = await BillingForms.SubmitAsync(client, "/billing", "billing/manage");
        await BillingForms.SubmitAsync(client, manage.Headers.Location!.PathAndQuery, "test-checkout/complete");
        billing = await client.GetStringAsync("/billing");
        Assert.Equal("Free", BillingForms.TestId(billing, "billing-tier"));
        Assert.Equal("200", BillingForms.TestId(billing, "billing-balance"));
    }

    [Fact]
    public async Task A_ticket_is_bound_to_its_user_and_cannot_be_forged()
    {
        var owner = await TestAccounts.CreateLoggedInAsync(factory);
        var start = await BillingForms.SubmitAsync(owner, "/billing", "value=\"studio\"");
        var other = await TestAccounts.CreateLoggedInAsync(factory);

        foreach (var (client, path) in new[] { (other, start.Headers.Location!.PathAndQuery), (owner, "/billing/test-checkout?ticket=forged") })
        {
            var refused = await client.GetAsync(path);
            Assert.Equal(HttpStatusCode.NotFound, refused.StatusCode);
            Assert.Contains("Page not found", await refused.Content.ReadAsStringAsync());
        }

        Assert.Equal("Free", BillingForms.TestId(await other.GetStringAsync("/billing"), "billing-tier"));
    }

    [GeneratedRegex("data-testid=\"ledger-row\"")]
    private static partial Regex LedgerRow();
}
