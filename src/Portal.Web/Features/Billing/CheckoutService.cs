using Microsoft.Extensions.Options;
using Portal.Core.Billing;
using Stripe;

namespace Portal.Web.Features.Billing;

/// <summary>
/// Starts purchases: a Stripe Checkout Session (subscription for tiers, payment for packs) or, without keys, the
/// local test checkout; and the Stripe Customer Portal. Nothing is granted here: only webhooks fulfil.
/// </summary>
public sealed class CheckoutService(
    CreditLedger ledger,
    LocalCheckout local,
    IServiceProvider services,
    IOptions<BillingOptions> billing,
    IOptions<StripeOptions> stripe)
{
    /// <param name="attempt">One id per rendered buy button, so a double click reuses one session (Stripe idempotency key).</param>
    public async Task<CheckoutStart> StartAsync(string userId, string email, string kind, string itemId, string attempt, Uri appBase, CancellationToken cancellationToken)
    {
        var tier = kind == BillingKinds.Subscription ? billing.Value.FindTier(itemId) : null;
        var pack = kind == BillingKinds.Pack ? billing.Value.FindPack(itemId) : null;
        if (tier is null && pack is null)
        {
            return CheckoutStart.Refused($"There is no {(kind == BillingKinds.Pack ? "credit pack" : "plan")} called '{itemId}'.");
        }

        if (tier is { MonthlyPriceCents: 0 })
        {
            return CheckoutStart.Refused($"The {tier.Name} plan is free: cancel your subscription to return to it.");
        }

        var account = await ledger.GetAccountAsync(userId, cancellationToken);
        if (tier is not null && account.SubscriptionStatus is "active" or "trialing" or "past_due")
        {
            return CheckoutStart.Refused("You already have a subscription: change or cancel it with Manage subscription.");
        }

        if (!stripe.Value.UsesStripe())
        {
            if (!local.IsAvailable)
            {
                return CheckoutStart.Refused("Payments are not configured on this server.");
            }

            var localCustomer = await EnsureCustomerAsync(userId, account, keep: _ => true, () => Task.FromResult(StripeEventJson.NewId("cus")), cancellationToken);
            var ticket = local.CreateTicket(userId, localCustomer, kind, itemId);
            return CheckoutStart.GoTo(new Uri(appBase, $"billing/test-checkout?ticket={Uri.EscapeDataString(ticket)}").ToString());
        }

        var priceId = tier?.StripePriceId ?? pack!.StripePriceId;
        if (string.IsNullOrWhiteSpace(priceId))
        {
            return CheckoutStart.Refused($"{tier?.Name ?? pack!.Name} has no Stripe price configured.");
        }

        var client = services.GetRequiredService<StripeClient>();
        // A customer made by the local test checkout (before keys were configured) is unknown to Stripe: replace it.
        var customerId = await EnsureCustomerAsync(userId, account, keep: id => !IsLocal(id), async () =>
        {
            var customer = await client.V1.Customers.CreateAsync(
                new CustomerCreateOptions { Email = email, Metadata = new() { ["user_id"] = userId } },
                new RequestOptions { IdempotencyKey = $"customer-{userId}" }, cancellationToken);
            return customer.Id;
        }, cancellationToken);

        var metadata = new Dictionary<string, string> { ["user_id"] = userId, ["kind"] = kind, [kind == BillingKinds.Pack ? "pack" : "tier"] = itemId };
        var options = new Stripe.Checkout.SessionCreateOptions
        {
            Mode = tier is not null ? "subscription" : "payment",
            Customer = customerId,
            ClientReferenceId = userId,
            LineItems = [new() { Price = priceId, Quantity = 1 }],
            Metadata = metadata,
            SuccessUrl = new Uri(appBase, "billing?checkout=success").ToString(),
            CancelUrl = new Uri(appBase, "billing?checkout=cancelled").ToString(),
        };
        if (tier is not null)
        {
            // Copied onto the subscription, so its invoices and updates carry the tier too.
            options.SubscriptionData = new() { Metadata = new(metadata) };
        }
        else
        {
            options.PaymentIntentData = new() { Metadata = new(metadata) };
        }

        var session = await client.V1.Checkout.Sessions.CreateAsync(options,
            new RequestOptions { IdempotencyKey = $"checkout-{userId}-{kind}-{itemId}-{attempt}" }, cancellationToken);
        return CheckoutStart.GoTo(session.Url);
    }

    /// <summary>Stripe's Customer Portal (change card or plan, cancel), or the local stand-in that can cancel.</summary>
    public async Task<CheckoutStart> ManageAsync(string userId, Uri appBase, CancellationToken cancellationToken)
    {
        var account = await ledger.GetAccountAsync(userId, cancellationToken);
        if (account.StripeCustomerId is null || (stripe.Value.UsesStripe() && IsLocal(account.StripeCustomerId)))
        {
            return CheckoutStart.Refused("You have no subscription to manage yet.");
        }

        if (!stripe.Value.UsesStripe())
        {
            if (!local.IsAvailable || account.StripeSubscriptionId is null || account.SubscriptionStatus == "canceled")
            {
                return CheckoutStart.Refused("You have no subscription to manage.");
            }

            var ticket = local.CreateTicket(userId, account.StripeCustomerId, BillingKinds.Cancel, account.StripeSubscriptionId);
            return CheckoutStart.GoTo(new Uri(appBase, $"billing/test-checkout?ticket={Uri.EscapeDataString(ticket)}").ToString());
        }

        var client = services.GetRequiredService<StripeClient>();
        var session = await client.V1.BillingPortal.Sessions.CreateAsync(
            new Stripe.BillingPortal.SessionCreateOptions { Customer = account.StripeCustomerId, ReturnUrl = new Uri(appBase, "billing").ToString() },
            new RequestOptions { IdempotencyKey = $"portal-{userId}-{Guid.NewGuid():N}" }, cancellationToken);
        return CheckoutStart.GoTo(session.Url);
    }

    // The customer id is stored before checkout so that every later event (which names the customer) maps to this account.
    private async Task<string> EnsureCustomerAsync(string userId, CreditAccount account, Func<string, bool> keep, Func<Task<string>> create, CancellationToken cancellationToken)
    {
        var existing = account.StripeCustomerId;
        if (existing is not null && keep(existing))
        {
            return existing;
        }

        var created = await create();
        return await ledger.SetCustomerAsync(userId, existing, created, cancellationToken);
    }

    private static bool IsLocal(string customerId) => customerId.StartsWith("cus_local_", StringComparison.Ordinal);
}
