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

        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        try
        {
            var outcome = stripeEvent.Data.Object switch
            {
                Session session when stripeEvent.Type == EventTypes.CheckoutSessionCompleted => await CheckoutCompletedAsync(session, stripeEvent.Created, cancellationToken),
                Invoice invoice when stripeEvent.Type == EventTypes.InvoicePaid => await InvoicePaidAsync(invoice, cancellationToken),
                Subscription subscription when stripeEvent.Type == EventTypes.CustomerSubscriptionUpdated => await SubscriptionUpdatedAsync(subscription, stripeEvent.Created, cancellationToken),
                Subscription subscription when stripeEvent.Type == EventTypes.CustomerSubscriptionDeleted => await SubscriptionDeletedAsync(subscription, stripeEvent.Created, cancellationToken),
                Charge charge when stripeEvent.Type == EventTypes.ChargeRefunded => await ChargeRefundedAsync(charge, cancellationToken),
                _ => "ignored: not an event the portal handles",
            };
            db.ChangeTracker.Clear();
            db.ProcessedStripeEvents.Add(new ProcessedStripeEvent
            {
                Id = stripeEvent.Id,
                Type = stripeEvent.Type,
                ProcessedAt = clock.GetUtcNow().UtcDateTime,
                Outcome = outcome.Length > 500 ? outcome[..500] : outcome,
            });
            await db.SaveChangesAsync(cancellationToken);
            await transaction.CommitAsync(cancellationToken);
            LogProcessed(logger, stripeEvent.Id, stripeEvent.Type, outcome);
            return outcome;
        }
        catch (DbUpdateException)
        {
            // A twin delivery committed first (its event row, or the same ledger reference): its effect stands.
            await transaction.RollbackAsync(cancellationToken);
            return Duplicate;
        }
        finally
        {
            db.ChangeTracker.Clear();
        }
    }

    private async Task<string> CheckoutCompletedAsync(Session session, DateTime created, CancellationToken cancellationToken)
    {
        var userId = session.ClientReferenceId;
        var kind = session.Metadata?.GetValueOrDefault("kind");
        if (string.IsNullOrEmpty(userId) || !await db.Users.AnyAsync(u => u.Id == userId, cancellationToken))
        {
            LogOrphan(logger, session.Id);
            return $"no such account '{userId}': nothing granted; refund checkout session {session.Id} in Stripe";
        }

        var account = await ledger.GetAccountAsync(userId, cancellationToken);
        if (!string.IsNullOrEmpty(session.CustomerId) && account.StripeCustomerId is null)
        {
            await db.CreditAccounts.Where(a => a.UserId == userId && a.StripeCustomerId == null)
                .ExecuteUpdateAsync(s => s.SetProperty(a => a.StripeCustomerId, session.CustomerId), cancellationToken);
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

            await db.CreditAccounts.Where(a => a.UserId == userId).ExecuteUpdateAsync(s => s
                .SetProperty(a => a.StripeSubscriptionId, session.SubscriptionId)
                .SetProperty(a => a.SubscriptionStatus, "active")
                .SetProperty(a => a.SubscriptionChangedAt, created)
                .SetProperty(a => a.TierId, tier.Id), cancellationToken);
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

            var granted = await ledger.AddPackAsync(userId, pack, session.PaymentIntentId ?? session.Id, cancellationToken);
            return granted ? $"pack {pack.Id} added" : $"pack payment {session.PaymentIntentId ?? session.Id} already fulfilled";
        }

        return $"checkout session of mode '{session.Mode}' and kind '{kind}' ignored";
    }

    private async Task<string> InvoicePaidAsync(Invoice invoice, CancellationToken cancellationToken)
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
        var granted = await ledger.GrantMonthlyAsync(account.UserId, tier, invoice.Id, periodEnd, cancellationToken);
        if (account.SubscriptionStatus is null || account.StripeSubscriptionId != subscriptionId)
        {
            await db.CreditAccounts.Where(a => a.UserId == account.UserId).ExecuteUpdateAsync(s => s
                .SetProperty(a => a.StripeSubscriptionId, subscriptionId)
                .SetProperty(a => a.SubscriptionStatus, "active"), cancellationToken);
        }

        return granted ? $"monthly credits of {tier.Id} for invoice {invoice.Id}" : $"invoice {invoice.Id} already granted";
    }

    private async Task<string> SubscriptionUpdatedAsync(Subscription subscription, DateTime created, CancellationToken cancellationToken)
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
        await db.CreditAccounts.Where(a => a.UserId == account.UserId).ExecuteUpdateAsync(s => s
            .SetProperty(a => a.StripeSubscriptionId, subscription.Id)
            .SetProperty(a => a.SubscriptionStatus, subscription.Status)
            .SetProperty(a => a.SubscriptionChangedAt, created)
            .SetProperty(a => a.TierId, tierId)
            .SetProperty(a => a.PeriodEndsAt, a => periodEnd ?? a.PeriodEndsAt), cancellationToken);
        return $"subscription {subscription.Id} is {subscription.Status} on {tierId}{(subscription.CancelAtPeriodEnd ? ", ends at period end" : "")}";
    }

    private async Task<string> SubscriptionDeletedAsync(Subscription subscription, DateTime created, CancellationToken cancellationToken)
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

        await db.CreditAccounts.Where(a => a.UserId == account.UserId).ExecuteUpdateAsync(s => s
            .SetProperty(a => a.StripeSubscriptionId, subscription.Id)
            .SetProperty(a => a.SubscriptionStatus, Canceled)
            .SetProperty(a => a.SubscriptionChangedAt, created), cancellationToken);
        var expired = await ledger.ExpireSubscriptionAsync(account.UserId, subscription.Id, cancellationToken);
        return expired ? $"subscription {subscription.Id} ended: plan credits expired" : $"subscription {subscription.Id} already ended";
    }

    private async Task<string> ChargeRefundedAsync(Charge charge, CancellationToken cancellationToken)
    {
        var reference = charge.PaymentIntentId ?? charge.Id;
        string? userIfUnseen = null;
        if (charge.Metadata?.GetValueOrDefault("kind") == BillingKinds.Pack)
        {
            userIfUnseen = (await FindByCustomerAsync(charge.CustomerId, cancellationToken))?.UserId;
        }

        var refunded = await ledger.RefundPackAsync(reference, userIfUnseen, cancellationToken);
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
