using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Portal.Core.Data;

namespace Portal.Core.Billing;

/// <summary>
/// Every credit movement: an append-only entry plus a conditional balance update, in one transaction.
/// Balances never go negative, even under concurrent submissions, because the update only applies
/// while the balance still covers the amount; grants and refunds are idempotent through the
/// unique (Kind, Reference) index.
/// </summary>
public sealed class CreditLedger(PortalDbContext db, IOptions<BillingOptions> billing, TimeProvider clock)
{
    /// <summary>The account of a user, created on first use on the free tier with its first monthly grant.</summary>
    public async Task<CreditAccount> GetAccountAsync(string userId, CancellationToken cancellationToken = default)
    {
        var account = await db.CreditAccounts.AsNoTracking().FirstOrDefaultAsync(a => a.UserId == userId, cancellationToken);
        if (account is not null)
        {
            return account;
        }

        var free = billing.Value.GetFreeTier();
        var now = clock.GetUtcNow().UtcDateTime;
        await using var transaction = await BeginAsync(cancellationToken);
        try
        {
            db.CreditAccounts.Add(new CreditAccount
            {
                UserId = userId,
                TierId = free.Id,
                SubscriptionBalance = free.MonthlyCredits,
                PeriodEndsAt = now.AddMonths(1),
            });
            db.CreditEntries.Add(new CreditEntry
            {
                UserId = userId,
                Kind = CreditEntryKind.MonthlyGrant,
                Reference = $"signup:{userId}",
                SubscriptionAmount = free.MonthlyCredits,
                Note = $"{free.Name} plan: first month",
                CreatedAt = now,
            });
            await db.SaveChangesAsync(cancellationToken);
            await transaction.CommitAsync(cancellationToken);
        }
        catch (DbUpdateException)
        {
            // Another request created it first; theirs stands.
            await transaction.RollbackAsync(cancellationToken);
        }
        finally
        {
            db.ChangeTracker.Clear();
        }

        return await db.CreditAccounts.AsNoTracking().FirstAsync(a => a.UserId == userId, cancellationToken);
    }

    /// <summary>
    /// Takes <paramref name="cost"/> credits for a job, subscription credits first, then pack credits.
    /// Must run inside the caller's transaction when the job row is written in the same unit.
    /// </summary>
    public async Task<ReserveResult> ReserveAsync(string userId, Guid jobId, int cost, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(cost);
        await GetAccountAsync(userId, cancellationToken);
        for (var attempt = 0; attempt < 5; attempt++)
        {
            var account = await db.CreditAccounts.AsNoTracking().FirstAsync(a => a.UserId == userId, cancellationToken);
            if (account.Total < cost)
            {
                return new ReserveResult(false, account.Total);
            }

            var fromSubscription = Math.Min(account.SubscriptionBalance, cost);
            var fromPacks = cost - fromSubscription;
            var updated = await db.CreditAccounts
                .Where(a => a.UserId == userId && a.SubscriptionBalance >= fromSubscription && a.PackBalance >= fromPacks)
                .ExecuteUpdateAsync(s => s
                    .SetProperty(a => a.SubscriptionBalance, a => a.SubscriptionBalance - fromSubscription)
                    .SetProperty(a => a.PackBalance, a => a.PackBalance - fromPacks), cancellationToken);
            if (updated == 0)
            {
                continue; // The balance moved under us; read it again.
            }

            db.CreditEntries.Add(new CreditEntry
            {
                UserId = userId,
                Kind = CreditEntryKind.Reserve,
                Reference = jobId.ToString(),
                SubscriptionAmount = -fromSubscription,
                PackAmount = -fromPacks,
                CreatedAt = clock.GetUtcNow().UtcDateTime,
            });
            await db.SaveChangesAsync(cancellationToken);
            return new ReserveResult(true, account.Total - cost);
        }

        return new ReserveResult(false, (await db.CreditAccounts.AsNoTracking().FirstAsync(a => a.UserId == userId, cancellationToken)).Total);
    }

    /// <summary>Gives back what a job reserved, to the buckets it came from. A second call does nothing.</summary>
    public async Task<bool> RefundAsync(Guid jobId, string reason, CancellationToken cancellationToken = default)
    {
        var reference = jobId.ToString();
        var reserve = await db.CreditEntries.AsNoTracking()
            .FirstOrDefaultAsync(e => e.Kind == CreditEntryKind.Reserve && e.Reference == reference, cancellationToken);
        if (reserve is null)
        {
            return false;
        }

        await using var transaction = await BeginAsync(cancellationToken);
        try
        {
            db.CreditEntries.Add(new CreditEntry
            {
                UserId = reserve.UserId,
                Kind = CreditEntryKind.Refund,
                Reference = reference,
                SubscriptionAmount = -reserve.SubscriptionAmount,
                PackAmount = -reserve.PackAmount,
                Note = reason.Length > 500 ? reason[..500] : reason,
                CreatedAt = clock.GetUtcNow().UtcDateTime,
            });
            await db.SaveChangesAsync(cancellationToken);
            await db.CreditAccounts.Where(a => a.UserId == reserve.UserId)
                .ExecuteUpdateAsync(s => s
                    .SetProperty(a => a.SubscriptionBalance, a => a.SubscriptionBalance - reserve.SubscriptionAmount)
                    .SetProperty(a => a.PackBalance, a => a.PackBalance - reserve.PackAmount), cancellationToken);
            await transaction.CommitAsync(cancellationToken);
            return true;
        }
        catch (DbUpdateException)
        {
            // The unique (Refund, job) entry already exists: refunded before.
            await transaction.RollbackAsync(cancellationToken);
            return false;
        }
        finally
        {
            db.ChangeTracker.Clear();
        }
    }

    /// <summary>
    /// The monthly refill of a paid plan, once per invoice: unused subscription credits roll over up to the
    /// tier's cap. Also moves the account to the tier and its new renewal date.
    /// </summary>
    public async Task<bool> GrantMonthlyAsync(string userId, PricingTier tier, string invoiceId, DateTime? periodEndsAt, CancellationToken cancellationToken = default)
    {
        await GetAccountAsync(userId, cancellationToken);
        if (await ExistsAsync(CreditEntryKind.MonthlyGrant, invoiceId, cancellationToken))
        {
            return false;
        }

        var cap = Math.Max(tier.RolloverCapCredits, tier.MonthlyCredits);
        return await InTransactionAsync(async () =>
        {
            while (true)
            {
                var current = (await db.CreditAccounts.AsNoTracking().FirstAsync(a => a.UserId == userId, cancellationToken)).SubscriptionBalance;
                var amount = Math.Max(0, Math.Min(current + tier.MonthlyCredits, cap) - current);
                var updated = await db.CreditAccounts
                    .Where(a => a.UserId == userId && a.SubscriptionBalance == current)
                    .ExecuteUpdateAsync(s => s
                        .SetProperty(a => a.SubscriptionBalance, current + amount)
                        .SetProperty(a => a.TierId, tier.Id)
                        .SetProperty(a => a.PeriodEndsAt, a => periodEndsAt ?? a.PeriodEndsAt), cancellationToken);
                if (updated == 1)
                {
                    Append(userId, CreditEntryKind.MonthlyGrant, invoiceId, amount, 0,
                        amount < tier.MonthlyCredits ? $"{tier.Name} plan: {amount} of {tier.MonthlyCredits} (rollover cap {cap})" : $"{tier.Name} plan: monthly credits");
                    return true;
                }
            }
        }, cancellationToken);
    }

    /// <summary>
    /// The free plan has no invoices, so its monthly refill happens when the account is next used after its
    /// period ended: one grant per period (keyed by the period's end date), then the period moves on.
    /// </summary>
    public async Task<bool> RefillFreeTierAsync(string userId, CancellationToken cancellationToken = default)
    {
        var free = billing.Value.GetFreeTier();
        var account = await GetAccountAsync(userId, cancellationToken);
        var now = clock.GetUtcNow().UtcDateTime;
        if (account.TierId != free.Id || account.PeriodEndsAt is not { } ended || ended > now)
        {
            return false;
        }

        var next = ended;
        while (next <= now)
        {
            next = next.AddMonths(1);
        }

        return await GrantMonthlyAsync(userId, free, $"free:{userId}:{ended:yyyy-MM-dd}", next, cancellationToken);
    }

    /// <summary>
    /// Credits of a bought pack, once per payment (<paramref name="paymentReference"/>: the payment intent).
    /// When the refund of that payment arrived first, nothing is granted.
    /// </summary>
    public async Task<bool> AddPackAsync(string userId, CreditPack pack, string paymentReference, CancellationToken cancellationToken = default)
    {
        await GetAccountAsync(userId, cancellationToken);
        if (await ExistsAsync(CreditEntryKind.Purchase, paymentReference, cancellationToken))
        {
            return false;
        }

        var refundedFirst = await ExistsAsync(CreditEntryKind.PackRefund, paymentReference, cancellationToken);
        var credits = refundedFirst ? 0 : pack.Credits;
        return await InTransactionAsync(async () =>
        {
            await db.CreditAccounts.Where(a => a.UserId == userId)
                .ExecuteUpdateAsync(s => s.SetProperty(a => a.PackBalance, a => a.PackBalance + credits), cancellationToken);
            Append(userId, CreditEntryKind.Purchase, paymentReference, 0, credits,
                refundedFirst ? $"{pack.Name}: refunded before it was fulfilled" : pack.Name);
            return true;
        }, cancellationToken);
    }

    /// <summary>
    /// Takes back the credits of a refunded pack payment, as many as are left (never below zero). A refund that
    /// arrives before its purchase is recorded against <paramref name="userIdIfUnseen"/> so the late purchase grants nothing.
    /// </summary>
    public async Task<bool> RefundPackAsync(string paymentReference, string? userIdIfUnseen, CancellationToken cancellationToken = default)
    {
        if (await ExistsAsync(CreditEntryKind.PackRefund, paymentReference, cancellationToken))
        {
            return false;
        }

        var purchase = await db.CreditEntries.AsNoTracking()
            .FirstOrDefaultAsync(e => e.Kind == CreditEntryKind.Purchase && e.Reference == paymentReference, cancellationToken);
        if (purchase is null)
        {
            if (userIdIfUnseen is null)
            {
                return false;
            }

            await GetAccountAsync(userIdIfUnseen, cancellationToken);
            return await InTransactionAsync(() =>
            {
                Append(userIdIfUnseen, CreditEntryKind.PackRefund, paymentReference, 0, 0, "Refund arrived before the purchase");
                return Task.FromResult(true);
            }, cancellationToken);
        }

        return await InTransactionAsync(async () =>
        {
            while (true)
            {
                var left = (await db.CreditAccounts.AsNoTracking().FirstAsync(a => a.UserId == purchase.UserId, cancellationToken)).PackBalance;
                var take = Math.Min(purchase.PackAmount, left);
                var updated = await db.CreditAccounts
                    .Where(a => a.UserId == purchase.UserId && a.PackBalance == left)
                    .ExecuteUpdateAsync(s => s.SetProperty(a => a.PackBalance, left - take), cancellationToken);
                if (updated == 1)
                {
                    Append(purchase.UserId, CreditEntryKind.PackRefund, paymentReference, 0, -take,
                        take < purchase.PackAmount ? $"Payment refunded; {purchase.PackAmount - take} credits were already spent" : "Payment refunded");
                    return true;
                }
            }
        }, cancellationToken);
    }

    /// <summary>Subscription credits end with the subscription (<paramref name="subscriptionId"/>); the account returns to the free tier. Pack credits stay.</summary>
    public async Task<bool> ExpireSubscriptionAsync(string userId, string subscriptionId, CancellationToken cancellationToken = default)
    {
        await GetAccountAsync(userId, cancellationToken);
        if (await ExistsAsync(CreditEntryKind.Expiry, subscriptionId, cancellationToken))
        {
            return false;
        }

        var free = billing.Value.GetFreeTier();
        return await InTransactionAsync(async () =>
        {
            while (true)
            {
                var current = (await db.CreditAccounts.AsNoTracking().FirstAsync(a => a.UserId == userId, cancellationToken)).SubscriptionBalance;
                var updated = await db.CreditAccounts
                    .Where(a => a.UserId == userId && a.SubscriptionBalance == current)
                    .ExecuteUpdateAsync(s => s
                        .SetProperty(a => a.SubscriptionBalance, 0)
                        .SetProperty(a => a.TierId, free.Id), cancellationToken);
                if (updated == 1)
                {
                    Append(userId, CreditEntryKind.Expiry, subscriptionId, -current, 0, "Subscription ended: plan credits expired");
                    return true;
                }
            }
        }, cancellationToken);
    }

    /// <summary>
    /// An administrator's correction with a reason. Added credits go to the pack bucket (they never expire);
    /// removed credits come from the subscription bucket first. Refused when it would go below zero.
    /// Every attempt, refused or applied, is written to <see cref="CreditAdjustment"/>.
    /// </summary>
    public async Task<AdjustmentResult> AdjustAsync(string userId, string adminUserId, int amount, string reason, CancellationToken cancellationToken = default)
    {
        reason = reason.Trim();
        var refusal = amount == 0 ? "The amount must not be zero."
            : reason.Length == 0 ? "A reason is required."
            : reason.Length > 500 ? "The reason must be at most 500 characters."
            : !await db.Users.AnyAsync(u => u.Id == userId, cancellationToken) ? "There is no such account."
            : null;
        if (refusal is not null)
        {
            await AuditAsync(userId, adminUserId, amount, reason, applied: false, refusal, cancellationToken);
            return new AdjustmentResult(false, refusal, 0);
        }

        await GetAccountAsync(userId, cancellationToken);
        for (var attempt = 0; attempt < 5; attempt++)
        {
            var account = await db.CreditAccounts.AsNoTracking().FirstAsync(a => a.UserId == userId, cancellationToken);
            if (account.Total + amount < 0)
            {
                var message = $"This would take the balance below zero: the account has {account.Total} credits.";
                await AuditAsync(userId, adminUserId, amount, reason, applied: false, message, cancellationToken);
                return new AdjustmentResult(false, message, account.Total);
            }

            var fromSubscription = amount < 0 ? Math.Max(amount, -account.SubscriptionBalance) : 0;
            var fromPacks = amount - fromSubscription;
            var applied = await InTransactionAsync(async () =>
            {
                var updated = await db.CreditAccounts
                    .Where(a => a.UserId == userId && a.SubscriptionBalance + fromSubscription >= 0 && a.PackBalance + fromPacks >= 0)
                    .ExecuteUpdateAsync(s => s
                        .SetProperty(a => a.SubscriptionBalance, a => a.SubscriptionBalance + fromSubscription)
                        .SetProperty(a => a.PackBalance, a => a.PackBalance + fromPacks), cancellationToken);
                if (updated == 0)
                {
                    return false;
                }

                Append(userId, CreditEntryKind.Adjustment, $"adjustment:{Guid.NewGuid():N}", fromSubscription, fromPacks, reason);
                db.CreditAdjustments.Add(NewAudit(userId, adminUserId, amount, reason, applied: true, "Applied"));
                return true;
            }, cancellationToken);
            if (applied)
            {
                return new AdjustmentResult(true, $"{(amount > 0 ? "Added" : "Removed")} {Math.Abs(amount)} credits.", account.Total + amount);
            }
        }

        const string busy = "The balance kept changing; try again.";
        await AuditAsync(userId, adminUserId, amount, reason, applied: false, busy, cancellationToken);
        return new AdjustmentResult(false, busy, (await GetAccountAsync(userId, cancellationToken)).Total);
    }

    public Task<List<CreditEntry>> HistoryAsync(string userId, int take, CancellationToken cancellationToken = default) =>
        db.CreditEntries.AsNoTracking().Where(e => e.UserId == userId)
            .OrderByDescending(e => e.Id).Take(take).ToListAsync(cancellationToken);

    private Task<bool> ExistsAsync(CreditEntryKind kind, string reference, CancellationToken cancellationToken) =>
        db.CreditEntries.AnyAsync(e => e.Kind == kind && e.Reference == reference, cancellationToken);

    private void Append(string userId, CreditEntryKind kind, string reference, int subscriptionAmount, int packAmount, string? note) =>
        db.CreditEntries.Add(new CreditEntry
        {
            UserId = userId,
            Kind = kind,
            Reference = reference,
            SubscriptionAmount = subscriptionAmount,
            PackAmount = packAmount,
            Note = note is { Length: > 500 } ? note[..500] : note,
            CreatedAt = clock.GetUtcNow().UtcDateTime,
        });

    private CreditAdjustment NewAudit(string userId, string adminUserId, int amount, string reason, bool applied, string outcome) => new()
    {
        UserId = userId,
        AdminUserId = adminUserId,
        Amount = amount,
        Reason = reason.Length > 500 ? reason[..500] : reason,
        Applied = applied,
        Outcome = outcome,
        CreatedAt = clock.GetUtcNow().UtcDateTime,
    };

    private async Task AuditAsync(string userId, string adminUserId, int amount, string reason, bool applied, string outcome, CancellationToken cancellationToken)
    {
        db.CreditAdjustments.Add(NewAudit(userId, adminUserId, amount, reason, applied, outcome));
        await db.SaveChangesAsync(cancellationToken);
        db.ChangeTracker.Clear();
    }

    /// <summary>
    /// Runs a balance update plus its pending entries as one unit. A duplicate (Kind, Reference) from a racing
    /// twin fails the insert and undoes the update: the twin's effect stands, this one reports false.
    /// </summary>
    private async Task<bool> InTransactionAsync(Func<Task<bool>> work, CancellationToken cancellationToken)
    {
        await using var transaction = await BeginAsync(cancellationToken);
        try
        {
            if (!await work())
            {
                // Nothing was written; a joined caller's transaction must survive this.
                if (transaction is not JoinedTransaction)
                {
                    await transaction.RollbackAsync(cancellationToken);
                }

                return false;
            }

            await db.SaveChangesAsync(cancellationToken);
            await transaction.CommitAsync(cancellationToken);
            return true;
        }
        catch (DbUpdateException) when (transaction is not JoinedTransaction)
        {
            await transaction.RollbackAsync(cancellationToken);
            return false;
        }
        finally
        {
            db.ChangeTracker.Clear();
        }
    }

    // Nested use (the job service already opened one) joins the caller's transaction.
    private async Task<Microsoft.EntityFrameworkCore.Storage.IDbContextTransaction> BeginAsync(CancellationToken cancellationToken) =>
        db.Database.CurrentTransaction is { } current
            ? new JoinedTransaction(current)
            : await db.Database.BeginTransactionAsync(cancellationToken);
}
