using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Portal.Core.Billing;
using Portal.Core.Data;
using Stripe;
using Stripe.Checkout;

namespace Portal.Web.Features.Billing;

/// <summary>
/// Fulfilment, from verified Stripe events only. Each event's effect and its <see cref="ProcessedStripeEvent"/>
/// row commit together: a second delivery fails on the row's key and changes nothing. Events arrive out of
/// order, so each handler checks what is already known (an ended subscription is never revived by a late event).
/// </summary>
public sealed partial class StripeWebhookProcessor(
    PortalDbContext db, CreditLedger ledger, IOptions<BillingOptions> billing, TimeProvider clock, ILogger<StripeWebhookProcessor> logger)
{
    public const string Duplicate = "duplicate";

    private const string Canceled = "canceled";

    public async Task<string> ProcessAsync(Event stripeEvent, CancellationToken cancellationToken)
    {
        if (await db.ProcessedStripeEvents.AnyAsync(e => e.Id == stripeEvent.Id, cancellationToken))
        {
            return Duplicate;
        }

        // The account a checkout names is created before the unit, so the unit only ever finds it.
        if (stripeEvent.Data.Object is Session { ClientReferenceId: { Length: > 0 } buyer }
            && await db.Users.AnyAsync(u => u.Id == buyer, cancellationToken))
        {
            await ledger.GetAccountAsync(buyer, cancellationToken);
        }

        try
        {
            var outcome = await UnitOfWork.RunAsync(db, async (unit, ct) =>
            {
                // Read again inside the unit: a retried unit whose first commit went through must see its own row.
                if (await db.ProcessedStripeEvents.AnyAsync(e => e.Id == stripeEvent.Id, ct))
                {
                    return Duplicate;
                }

                var outcome = stripeEvent.Data.Object switch
                {
                    Session session when stripeEvent.Type == EventTypes.CheckoutSessionCompleted => await CheckoutCompletedAsync(unit, session, stripeEvent.Created, ct),
                    Invoice invoice when stripeEvent.Type == EventTypes.InvoicePaid => await InvoicePaidAsync(unit, invoice, ct),
                    Subscription subscription when stripeEvent.Type == EventTypes.CustomerSubscriptionUpdated => await SubscriptionUpdatedAsync(unit, subscription, stripeEvent.Created, ct),
                    Subscription subscription when stripeEvent.Type == EventTypes.CustomerSubscriptionDeleted => await SubscriptionDeletedAsync(unit, subscription, stripeEvent.Created, ct),
                    Charge charge when stripeEvent.Type == EventTypes.ChargeRefunded => await ChargeRefundedAsync(unit, charge, ct),
                    _ => "ignored: not an event the portal handles",
                };
                db.ProcessedStripeEvents.Add(new ProcessedStripeEvent
                {
                    Id = stripeEvent.Id,
                    Type = stripeEvent.Type,
                    ProcessedAt = clock.GetUtcNow().UtcDateTime,
                    Outcome = outcome.Length > 500 ? outcome[..500] : outcome,
                });
                return outcome;
            }, cancellationToken);
            if (outcome != Duplicate)
            {
                LogProcessed(logger, stripeEvent.Id, stripeEvent.Type, outcome);
            }

            return outcome;
        }
        catch (DbUpdateException)
        {
            // A twin delivery committed first (its event row, or the same ledger reference): its effect stands.
            return Duplicate;
        }
    }

    private async Task<string> CheckoutCompletedAsync(UnitOfWork unit, Session session, DateTime created, CancellationToken cancellationToken)
    {
        var userId = session.ClientReferenceId;
        var kind = session.Metadata?.GetValueOrDefault("kind");
        if (string.IsNullOrEmpty(userId) || !await db.Users.AnyAsync(u => u.Id == userId, cancellationToken))
        {
            LogOrphan(logger, session.Id);
            return $"no such account '{userId}': nothing granted; refund checkout session {session.Id} in Stripe";
        }

        var account = await db.CreditAccounts.AsNoTracking().FirstAsync(a => a.UserId == userId, cancellationToken);
        if (!string.IsNullOrEmpty(session.CustomerId) && account.StripeCustomerId is null)
        {
            await ledger.LinkCustomerAsync(unit, userId, session.CustomerId, cancellationToken);
        }

        if (session.Mode == "subscription" && kind == BillingKinds.Subscription)
        {
            var tier = billing.Value.FindTier(session.Metadata?.GetValueOrDefault("tier") ?? "");
            if (tier is null || string.IsNullOrEmpty(session.SubscriptionId))
            {
                return $"subscription checkout without a known tier ('{session.Metadata?.GetValueOrDefault("tier")}')";
            }

            // Another event about this subscription already told us more (it is active, or it ended).
            if (account.StripeSubscriptionId == session.SubscriptionId && account.SubscriptionStatus is not null)
            {
                return $"subscription {session.SubscriptionId} already known ({account.SubscriptionStatus})";
            }

            await ledger.SetSubscriptionAsync(unit, userId, session.SubscriptionId, "active", created, tier.Id, null, cancellationToken);
            return $"subscribed to {tier.Id}";
        }

        if (session.Mode == "payment" && kind == BillingKinds.Pack)
        {
            if (session.PaymentStatus != "paid")
            {
                return $"pack checkout not paid yet ({session.PaymentStatus})";
            }

            var pack = billing.Value.FindPack(session.Metadata?.GetValueOrDefault("pack") ?? "");
            if (pack is null)
            {
                return $"pack checkout for an unknown pack ('{session.Metadata?.GetValueOrDefault("pack")}')";
            }

            var granted = await ledger.AddPackAsync(unit, userId, pack, session.PaymentIntentId ?? session.Id, cancellationToken);
            return granted ? $"pack {pack.Id} added" : $"pack payment {session.PaymentIntentId ?? session.Id} already fulfilled";
        }

        return $"checkout session of mode '{session.Mode}' and kind '{kind}' ignored";
    }

    private async Task<string> InvoicePaidAsync(UnitOfWork unit, Invoice invoice, CancellationToken cancellationToken)
    {
        var details = invoice.Parent?.SubscriptionDetails;
        if (details?.SubscriptionId is not { Length: > 0 } subscriptionId)
        {
            return "not a subscription invoice";
        }

        var account = await FindByCustomerAsync(invoice.CustomerId, cancellationToken);
        if (account is null)
        {
            return $"unknown customer {invoice.CustomerId}";
        }

        if (account.StripeSubscriptionId == subscriptionId && account.SubscriptionStatus == Canceled)
        {
            return $"subscription {subscriptionId} already ended: no grant";
        }

        var line = invoice.Lines?.Data?.FirstOrDefault();
        var tier = billing.Value.FindTierByPrice(line?.Pricing?.PriceDetails?.PriceId)
            ?? billing.Value.FindTier(details.Metadata?.GetValueOrDefault("tier") ?? "");
        if (tier is null || tier.MonthlyPriceCents == 0)
        {
            return $"invoice {invoice.Id} names no paid tier";
        }

        DateTime? periodEnd = line?.Period?.End is { } end && end > DateTime.UnixEpoch ? end : null;
        var granted = await ledger.GrantMonthlyAsync(unit, account.UserId, tier, invoice.Id, periodEnd, cancellationToken);
        if (account.SubscriptionStatus is null || account.StripeSubscriptionId != subscriptionId)
        {
            await ledger.SetSubscriptionAsync(unit, account.UserId, subscriptionId, "active", null, null, null, cancellationToken);
        }

        return granted ? $"monthly credits of {tier.Id} for invoice {invoice.Id}" : $"invoice {invoice.Id} already granted";
    }

    private async Task<string> SubscriptionUpdatedAsync(UnitOfWork unit, Subscription subscription, DateTime created, CancellationToken cancellationToken)
    {
        var account = await FindByCustomerAsync(subscription.CustomerId, cancellationToken);
        if (account is null)
        {
            return $"unknown customer {subscription.CustomerId}";
        }

        if (account.StripeSubscriptionId == subscription.Id
            && (account.SubscriptionStatus == Canceled || account.SubscriptionChangedAt > created))
        {
            return $"stale update of subscription {subscription.Id} ignored";
        }

        var item = subscription.Items?.Data?.FirstOrDefault();
        var tier = billing.Value.FindTierByPrice(item?.Price?.Id)
            ?? billing.Value.FindTier(subscription.Metadata?.GetValueOrDefault("tier") ?? "");
        // Stripe keeps retrying a past_due payment: the plan stays until the subscription is deleted or unpaid.
        var keepsPlan = subscription.Status is "active" or "trialing" or "past_due";
        var tierId = keepsPlan && tier is not null ? tier.Id : billing.Value.GetFreeTier().Id;
        DateTime? periodEnd = item?.CurrentPeriodEnd is { } end && end > DateTime.UnixEpoch ? end : null;
        await ledger.SetSubscriptionAsync(unit, account.UserId, subscription.Id, subscription.Status, created, tierId, periodEnd, cancellationToken);
        return $"subscription {subscription.Id} is {subscription.Status} on {tierId}{(subscription.CancelAtPeriodEnd ? ", ends at period end" : "")}";
    }

    private async Task<string> SubscriptionDeletedAsync(UnitOfWork unit, Subscription subscription, DateTime created, CancellationToken cancellationToken)
    {
        var account = await FindByCustomerAsync(subscription.CustomerId, cancellationToken);
        if (account is null)
        {
            return $"unknown customer {subscription.CustomerId}";
        }

        if (account.StripeSubscriptionId is { } current && current != subscription.Id && account.SubscriptionStatus != Canceled
            && account.SubscriptionChangedAt > created)
        {
            return $"ended subscription {subscription.Id} is not the current one";
        }

        await ledger.SetSubscriptionAsync(unit, account.UserId, subscription.Id, Canceled, created, null, null, cancellationToken);
        var expired = await ledger.ExpireSubscriptionAsync(unit, account.UserId, subscription.Id, cancellationToken);
        return expired ? $"subscription {subscription.Id} ended: plan credits expired" : $"subscription {subscription.Id} already ended";
    }

    private async Task<string> ChargeRefundedAsync(UnitOfWork unit, Charge charge, CancellationToken cancellationToken)
    {
        var reference = charge.PaymentIntentId ?? charge.Id;
        string? userIfUnseen = null;
        if (charge.Metadata?.GetValueOrDefault("kind") == BillingKinds.Pack)
        {
            userIfUnseen = (await FindByCustomerAsync(charge.CustomerId, cancellationToken))?.UserId;
        }

        var refunded = await ledger.RefundPackAsync(unit, reference, userIfUnseen, cancellationToken);
        return refunded ? $"pack payment {reference} refunded" : $"no pack credits to take back for {reference}";
    }

    private Task<CreditAccount?> FindByCustomerAsync(string? customerId, CancellationToken cancellationToken) =>
        string.IsNullOrEmpty(customerId)
            ? Task.FromResult<CreditAccount?>(null)
            : db.CreditAccounts.AsNoTracking().FirstOrDefaultAsync(a => a.StripeCustomerId == customerId, cancellationToken);

    [LoggerMessage(Level = LogLevel.Information, Message = "Stripe event {EventId} ({Type}): {Outcome}")]
    private static partial void LogProcessed(ILogger logger, string eventId, string type, string outcome);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Checkout session {SessionId} completed for an account that no longer exists; nothing was granted")]
    private static partial void LogOrphan(ILogger logger, string sessionId);
}
