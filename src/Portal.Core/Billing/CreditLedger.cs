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

    public Task<List<CreditEntry>> HistoryAsync(string userId, int take, CancellationToken cancellationToken = default) =>
        db.CreditEntries.AsNoTracking().Where(e => e.UserId == userId)
            .OrderByDescending(e => e.Id).Take(take).ToListAsync(cancellationToken);

    // Nested use (the job service already opened one) joins the caller's transaction.
    private async Task<Microsoft.EntityFrameworkCore.Storage.IDbContextTransaction> BeginAsync(CancellationToken cancellationToken) =>
        db.Database.CurrentTransaction is { } current
            ? new JoinedTransaction(current)
            : await db.Database.BeginTransactionAsync(cancellationToken);
}
