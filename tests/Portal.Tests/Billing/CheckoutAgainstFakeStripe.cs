using System.Net;
using System.Text.RegularExpressions;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Portal.Core.Billing;
using Portal.Tests.Infrastructure;

namespace Portal.Tests.Billing;

/// <summary>With Stripe keys, Stripe.net is pointed at a fake Stripe: we check exactly what the portal sends.</summary>
public sealed partial class CheckoutAgainstFakeStripe : IAsyncLifetime
{
    private FakeStripe stripe = null!;
    private BillingFactory factory = null!;

    public async Task InitializeAsync()
    {
        stripe = await FakeStripe.StartAsync();
        factory = new BillingFactory();
        factory.Settings["Stripe:SecretKey"] = "sk_test_fake_portal_key";
        factory.Settings["Stripe:ApiBase"] = stripe.BaseUrl;
        factory.Settings["Billing:Tiers:1:StripePriceId"] = "price_pro_monthly";
        factory.Settings["Billing:Packs:0:StripePriceId"] = "price_pack_small";
    }

    public async Task DisposeAsync()
    {
        await factory.DisposeAsync();
        await stripe.DisposeAsync();
    }

    [Fact]
    public async Task Upgrading_creates_a_customer_then_a_subscription_checkout_with_everything_Stripe_needs()
    {
        var email = TestAccounts.NewEmail();
        var client = await TestAccounts.CreateLoggedInAsync(factory, email);
        var userId = await UserIdAsync(email);

        var response = await BillingForms.SubmitAsync(client, "/billing", "value=\"pro\"");

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.StartsWith("https://checkout.fake-stripe.test/pay/cs_fake_", response.Headers.Location!.ToString());
        var calls = stripe.Requests.ToArray();
        Assert.Equal(["/v1/customers", "/v1/checkout/sessions"], calls.Select(c => c.Path));
        Assert.All(calls, c => Assert.Equal("Bearer sk_test_fake_portal_key", c.Authorization));
        var (customer, session) = (calls[0], calls[1]);
        Assert.Equal(email, customer.Form["email"]);
        Assert.Equal(userId, customer.Form["metadata[user_id]"]);
        Assert.Equal($"customer-{userId}", customer.IdempotencyKey);

        Assert.Equal("subscription", session.Form["mode"]);
        Assert.Equal("cus_fake_1", session.Form["customer"]);
        Assert.Equal(userId, session.Form["client_reference_id"]);
        Assert.Equal("price_pro_monthly", session.Form["line_items[0][price]"]);
        Assert.Equal("1", session.Form["line_items[0][quantity]"]);
        Assert.Equal("pro", session.Form["metadata[tier]"]);
        Assert.Equal("subscription", session.Form["metadata[kind]"]);
        Assert.Equal("pro", session.Form["subscription_data[metadata][tier]"]);
        Assert.Equal(userId, session.Form["subscription_data[metadata][user_id]"]);
        Assert.Equal("http://localhost/billing?checkout=success", session.Form["success_url"]);
        Assert.Equal("http://localhost/billing?checkout=cancelled", session.Form["cancel_url"]);
        Assert.Matches(IdempotencyKeyPattern(), session.IdempotencyKey);
        Assert.StartsWith($"checkout-{userId}-subscription-pro-", session.IdempotencyKey);

        // Nothing is granted by starting a checkout: only webhooks fulfil.
        await using var scope = factory.Services.CreateAsyncScope();
        var account = await scope.ServiceProvider.GetRequiredService<CreditLedger>().GetAccountAsync(userId);
        Assert.Equal(("free", "cus_fake_1"), (account.TierId, account.StripeCustomerId));
    }

    [Fact]
    public async Task A_pack_is_a_payment_checkout_for_the_same_customer_and_manage_opens_the_billing_portal()
    {
        var email = TestAccounts.NewEmail();
        var client = await TestAccounts.CreateLoggedInAsync(factory, email);
        var userId = await UserIdAsync(email);

        var pack = await BillingForms.SubmitAsync(client, "/billing", "value=\"small\"");
        var session = stripe.Requests.Last();
        Assert.Equal(HttpStatusCode.Redirect, pack.StatusCode);
        Assert.Equal("payment", session.Form["mode"]);
        Assert.Equal("price_pack_small", session.Form["line_items[0][price]"]);
        Assert.Equal("small", session.Form["payment_intent_data[metadata][pack]"]);
        Assert.Equal("pack", session.Form["metadata[kind]"]);
        Assert.Equal(userId, session.Form["client_reference_id"]);
        Assert.Equal("/v1/customers", stripe.Requests.First().Path);

        // The portal is offered once a subscription exists; the endpoint itself only needs the customer.
        var token = await Uploads.TokenAsync(client);
        var manage = await client.PostAsync("/billing/manage", new FormUrlEncodedContent(new Dictionary<string, string> { ["__RequestVerificationToken"] = token }));
        Assert.Equal(HttpStatusCode.Redirect, manage.StatusCode);
        Assert.Equal("https://billing.fake-stripe.test/session/bps_fake", manage.Headers.Location!.ToString());
        var portal = stripe.Requests.Last();
        Assert.Equal("/v1/billing_portal/sessions", portal.Path);
        Assert.Equal(session.Form["customer"], portal.Form["customer"]);
        Assert.Equal("http://localhost/billing", portal.Form["return_url"]);
        Assert.False(string.IsNullOrEmpty(portal.IdempotencyKey));
    }

    [Fact]
    public async Task A_customer_left_by_the_local_test_checkout_is_replaced_by_a_real_one()
    {
        var email = TestAccounts.NewEmail();
        var client = await TestAccounts.CreateLoggedInAsync(factory, email);
        var userId = await UserIdAsync(email);
        await using (var scope = factory.Services.CreateAsyncScope())
        {
            await scope.ServiceProvider.GetRequiredService<CreditLedger>().GetAccountAsync(userId);
            await scope.ServiceProvider.GetRequiredService<Portal.Core.Data.PortalDbContext>().CreditAccounts.Where(a => a.UserId == userId)
                .ExecuteUpdateAsync(s => s.SetProperty(a => a.StripeCustomerId, "cus_local_from_before"));
        }

        var response = await BillingForms.SubmitAsync(client, "/billing", "value=\"pro\"");

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        var calls = stripe.Requests.ToArray();
        Assert.Equal(["/v1/customers", "/v1/checkout/sessions"], calls.Select(c => c.Path));
        Assert.StartsWith("cus_fake_", calls[1].Form["customer"]);
    }

    [Fact]
    public async Task A_checkout_for_a_tier_that_does_not_exist_is_refused_without_calling_Stripe()
    {
        var client = await TestAccounts.CreateLoggedInAsync(factory);
        var token = await Uploads.TokenAsync(client);
        var before = stripe.Requests.Count;

        var response = await client.PostAsync("/billing/checkout", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["__RequestVerificationToken"] = token,
            ["kind"] = "subscription",
            ["item"] = "platinum",
            ["attempt"] = "a1",
        }));

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Contains("/billing?error=", response.Headers.Location!.ToString());
        Assert.Contains("There is no plan called", await client.GetStringAsync(response.Headers.Location));
        Assert.Equal(before, stripe.Requests.Count);
    }

    private async Task<string> UserIdAsync(string email)
    {
        using var scope = factory.Services.CreateScope();
        var users = scope.ServiceProvider.GetRequiredService<Microsoft.AspNetCore.Identity.UserManager<Portal.Core.Accounts.PortalUser>>();
        return (await users.FindByEmailAsync(email))!.Id;
    }

    [GeneratedRegex("^checkout-[^-]+.*-[0-9a-f]{32}$")]
    private static partial Regex IdempotencyKeyPattern();
}
