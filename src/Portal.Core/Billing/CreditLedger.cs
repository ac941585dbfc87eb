using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Portal.Core.Data;

namespace Portal.Core.Billing;

/// <summary>
/// The one writer of credit accounts: every credit movement is an append-only entry plus a balance update in the
/// same unit of work, and the Stripe fields of an account (customer, subscription, tier) change only here.
/// Each write first locks the account row (an update that changes nothing), then reads it: the read cannot go
/// stale before the commit, so no compare-and-retry loops are needed and balances never go below zero. Grants and
/// refunds are idempotent through the unique (Kind, Reference) index.
/// Every operation comes twice: on its own (it runs its own unit of work) and with a <see cref="UnitOfWork"/>
/// parameter, for a caller that writes something else in the same transaction (a job row, a Stripe event).
/// </summary>
public sealed class CreditLedger(PortalDbContext db, IOptions<BillingOptions> billing, TimeProvider clock)
{
    /// <summary>The account of a user, created on first use on the free tier with its first monthly grant.</summary>
    public async Task<CreditAccount> GetAccountAsync(string userId, CancellationToken cancellationToken = default)
    {
        var account = await FindAccountAsync(userId, cancellationToken);
        if (account is not null)
        {
            return account;
        }

        try
        {
            return await UnitOfWork.RunAsync(db, (unit, ct) => EnsureAccountAsync(unit, userId, ct), cancellationToken);
        }
        catch (DbUpdateException)
        {
            // Another request created it first; theirs stands.
            return await db.CreditAccounts.AsNoTracking().FirstAsync(a => a.UserId == userId, cancellationToken);
        }
    }

    /// <summary>Takes <paramref name="cost"/> credits for a job, subscription credits first, then pack credits.</summary>
    public async Task<ReserveResult> ReserveAsync(string userId, Guid jobId, int cost, CancellationToken cancellationToken = default)
    {
        await GetAccountAsync(userId, cancellationToken);
        return await UnitOfWork.RunAsync(db, (unit, ct) => ReserveAsync(unit, userId, jobId, cost, ct), r => r.Reserved, cancellationToken);
    }

    /// <summary>
    /// <see cref="ReserveAsync(string, Guid, int, CancellationToken)"/> within the caller's unit; the caller rolls
    /// the unit back when a reservation is refused.
    /// </summary>
    public async Task<ReserveResult> ReserveAsync(UnitOfWork unit, string userId, Guid jobId, int cost, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(cost);
        var account = await LockAsync(unit, userId, cancellationToken);
        if (account.Total < cost)
        {
            return new ReserveResult(false, account.Total);
        }

        var fromSubscription = Math.Min(account.SubscriptionBalance, cost);
        var fromPacks = cost - fromSubscription;
        await AddToBalancesAsync(userId, -fromSubscription, -fromPacks, cancellationToken);
        Append(userId, CreditEntryKind.Reserve, jobId.ToString(), -fromSubscription, -fromPacks, null);
        return new ReserveResult(true, account.Total - cost);
    }

    /// <summary>Gives back what a job reserved, to the buckets it came from. A second call does nothing.</summary>
    public Task<bool> RefundAsync(Guid jobId, string reason, CancellationToken cancellationToken = default) =>
        OwnUnitAsync((unit, ct) => RefundAsync(unit, jobId, reason, ct), cancellationToken);

    public async Task<bool> RefundAsync(UnitOfWork unit, Guid jobId, string reason, CancellationToken cancellationToken)
    {
        unit.Require(db);
        var reference = jobId.ToString();
        var reserve = await db.CreditEntries.AsNoTracking()
            .FirstOrDefaultAsync(e => e.Kind == CreditEntryKind.Reserve && e.Reference == reference, cancellationToken);
        if (reserve is null)
        {
            return false;
        }

        await LockAsync(unit, reserve.UserId, cancellationToken);
        if (await ExistsAsync(CreditEntryKind.Refund, reference, cancellationToken))
        {
            return false;
        }

        await AddToBalancesAsync(reserve.UserId, -reserve.SubscriptionAmount, -reserve.PackAmount, cancellationToken);
        Append(reserve.UserId, CreditEntryKind.Refund, reference, -reserve.SubscriptionAmount, -reserve.PackAmount, reason);
        return true;
    }

    /// <summary>
    /// The monthly refill of a paid plan, once per invoice: unused subscription credits roll over up to the
    /// tier's cap. Also moves the account to the tier and its new renewal date.
    /// </summary>
    public async Task<bool> GrantMonthlyAsync(string userId, PricingTier tier, string invoiceId, DateTime? periodEndsAt, CancellationToken cancellationToken = default)
    {
        await GetAccountAsync(userId, cancellationToken);
        return await OwnUnitAsync((unit, ct) => GrantMonthlyAsync(unit, userId, tier, invoiceId, periodEndsAt, ct), cancellationToken);
    }

    public async Task<bool> GrantMonthlyAsync(UnitOfWork unit, string userId, PricingTier tier, string invoiceId, DateTime? periodEndsAt, CancellationToken cancellationToken)
    {
        var current = (await LockAsync(unit, userId, cancellationToken)).SubscriptionBalance;
        if (await ExistsAsync(CreditEntryKind.MonthlyGrant, invoiceId, cancellationToken))
        {
            return false;
        }

        var cap = Math.Max(tier.RolloverCapCredits, tier.MonthlyCredits);
        var amount = Math.Max(0, Math.Min(current + tier.MonthlyCredits, cap) - current);
        await db.CreditAccounts.Where(a => a.UserId == userId)
            .ExecuteUpdateAsync(s => s
                .SetProperty(a => a.SubscriptionBalance, current + amount)
                .SetProperty(a => a.TierId, tier.Id)
                .SetProperty(a => a.PeriodEndsAt, a => periodEndsAt ?? a.PeriodEndsAt), cancellationToken);
        Append(userId, CreditEntryKind.MonthlyGrant, invoiceId, amount, 0,
            amount < tier.MonthlyCredits ? $"{tier.Name} plan: {amount} of {tier.MonthlyCredits} (rollover cap {cap})" : $"{tier.Name} plan: monthly credits");
        return true;
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
        return await OwnUnitAsync((unit, ct) => AddPackAsync(unit, userId, pack, paymentReference, ct), cancellationToken);
    }

    public async Task<bool> AddPackAsync(UnitOfWork unit, string userId, CreditPack pack, string paymentReference, CancellationToken cancellationToken)
    {
        await LockAsync(unit, userId, cancellationToken);
        if (await ExistsAsync(CreditEntryKind.Purchase, paymentReference, cancellationToken))
        {
            return false;
        }

        var refundedFirst = await ExistsAsync(CreditEntryKind.PackRefund, paymentReference, cancellationToken);
        var credits = refundedFirst ? 0 : pack.Credits;
        await AddToBalancesAsync(userId, 0, credits, cancellationToken);
        Append(userId, CreditEntryKind.Purchase, paymentReference, 0, credits,
            refundedFirst ? $"{pack.Name}: refunded before it was fulfilled" : pack.Name);
        return true;
    }

    /// <summary>
    /// Takes back the credits of a refunded pack payment, as many as are left (never below zero). A refund that
    /// arrives before its purchase is recorded against <paramref name="userIdIfUnseen"/> so the late purchase grants nothing.
    /// </summary>
    public async Task<bool> RefundPackAsync(string paymentReference, string? userIdIfUnseen, CancellationToken cancellationToken = default)
    {
        if (userIdIfUnseen is not null)
        {
            await GetAccountAsync(userIdIfUnseen, cancellationToken);
        }

        return await OwnUnitAsync((unit, ct) => RefundPackAsync(unit, paymentReference, userIdIfUnseen, ct), cancellationToken);
    }

    public async Task<bool> RefundPackAsync(UnitOfWork unit, string paymentReference, string? userIdIfUnseen, CancellationToken cancellationToken)
    {
        unit.Require(db);
        var purchase = await db.CreditEntries.AsNoTracking()
            .FirstOrDefaultAsync(e => e.Kind == CreditEntryKind.Purchase && e.Reference == paymentReference, cancellationToken);
        var userId = purchase?.UserId ?? userIdIfUnseen;
        if (userId is null)
        {
            return false;
        }

        var left = (await LockAsync(unit, userId, cancellationToken)).PackBalance;
        if (await ExistsAsync(CreditEntryKind.PackRefund, paymentReference, cancellationToken))
        {
            return false;
        }

        if (purchase is null)
        {
            Append(userId, CreditEntryKind.PackRefund, paymentReference, 0, 0, "Refund arrived before the purchase");
            return true;
        }

        var take = Math.Min(purchase.PackAmount, left);
        await AddToBalancesAsync(userId, 0, -take, cancellationToken);
        Append(userId, CreditEntryKind.PackRefund, paymentReference, 0, -take,
            take < purchase.PackAmount ? $"Payment refunded; {purchase.PackAmount - take} credits were already spent" : "Payment refunded");
        return true;
    }

    /// <summary>Subscription credits end with the subscription (<paramref name="subscriptionId"/>); the account returns to the free tier. Pack credits stay.</summary>
    public async Task<bool> ExpireSubscriptionAsync(string userId, string subscriptionId, CancellationToken cancellationToken = default)
    {
        await GetAccountAsync(userId, cancellationToken);
        return await OwnUnitAsync((unit, ct) => ExpireSubscriptionAsync(unit, userId, subscriptionId, ct), cancellationToken);
    }

    public async Task<bool> ExpireSubscriptionAsync(UnitOfWork unit, string userId, string subscriptionId, CancellationToken cancellationToken)
    {
        var current = (await LockAsync(unit, userId, cancellationToken)).SubscriptionBalance;
        if (await ExistsAsync(CreditEntryKind.Expiry, subscriptionId, cancellationToken))
        {
            return false;
        }

        var free = billing.Value.GetFreeTier();
        await db.CreditAccounts.Where(a => a.UserId == userId)
            .ExecuteUpdateAsync(s => s
                .SetProperty(a => a.SubscriptionBalance, 0)
                .SetProperty(a => a.TierId, free.Id), cancellationToken);
        Append(userId, CreditEntryKind.Expiry, subscriptionId, -current, 0, "Subscription ended: plan credits expired");
        return true;
    }

    /// <summary>Remembers the Stripe customer of an account, the first time one is seen.</summary>
    public async Task LinkCustomerAsync(UnitOfWork unit, string userId, string customerId, CancellationToken cancellationToken)
    {
        unit.Require(db);
        await ReplaceCustomerAsync(userId, null, customerId, cancellationToken);
    }

    /// <summary>
    /// Stores a customer made for checkout in place of <paramref name="replacing"/> (none, or a local test customer)
    /// and returns the account's customer afterwards: a concurrent checkout's customer wins if it came first.
    /// </summary>
    public async Task<string> SetCustomerAsync(string userId, string? replacing, string customerId, CancellationToken cancellationToken = default)
    {
        await ReplaceCustomerAsync(userId, replacing, customerId, cancellationToken);
        return (await db.CreditAccounts.AsNoTracking().FirstAsync(a => a.UserId == userId, cancellationToken)).StripeCustomerId!;
    }

    /// <summary>
    /// Records what Stripe says about the account's subscription. Null <paramref name="changedAt"/>,
    /// <paramref name="tierId"/> and <paramref name="periodEndsAt"/> keep what the account has.
    /// </summary>
    public async Task SetSubscriptionAsync(UnitOfWork unit, string userId, string subscriptionId, string status,
        DateTime? changedAt, string? tierId, DateTime? periodEndsAt, CancellationToken cancellationToken)
    {
        unit.Require(db);
        await db.CreditAccounts.Where(a => a.UserId == userId).ExecuteUpdateAsync(s => s
            .SetProperty(a => a.StripeSubscriptionId, subscriptionId)
            .SetProperty(a => a.SubscriptionStatus, status)
            .SetProperty(a => a.SubscriptionChangedAt, a => changedAt ?? a.SubscriptionChangedAt)
            .SetProperty(a => a.TierId, a => tierId ?? a.TierId)
            .SetProperty(a => a.PeriodEndsAt, a => periodEndsAt ?? a.PeriodEndsAt), cancellationToken);
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
            await UnitOfWork.RunAsync(db, (_, _) =>
            {
                db.CreditAdjustments.Add(NewAudit(userId, adminUserId, amount, reason, applied: false, refusal));
                return Task.FromResult(true);
            }, cancellationToken);
            return new AdjustmentResult(false, refusal, 0);
        }

        await GetAccountAsync(userId, cancellationToken);
        return await UnitOfWork.RunAsync(db, async (unit, ct) =>
        {
            var account = await LockAsync(unit, userId, ct);
            if (account.Total + amount < 0)
            {
                var message = $"This would take the balance below zero: the account has {account.Total} credits.";
                db.CreditAdjustments.Add(NewAudit(userId, adminUserId, amount, reason, applied: false, message));
                return new AdjustmentResult(false, message, account.Total);
            }

            var fromSubscription = amount < 0 ? Math.Max(amount, -account.SubscriptionBalance) : 0;
            var fromPacks = amount - fromSubscription;
            await AddToBalancesAsync(userId, fromSubscription, fromPacks, ct);
            Append(userId, CreditEntryKind.Adjustment, $"adjustment:{Guid.NewGuid():N}", fromSubscription, fromPacks, reason);
            db.CreditAdjustments.Add(NewAudit(userId, adminUserId, amount, reason, applied: true, "Applied"));
            return new AdjustmentResult(true, $"{(amount > 0 ? "Added" : "Removed")} {Math.Abs(amount)} credits.", account.Total + amount);
        }, cancellationToken);
    }

    public Task<List<CreditEntry>> HistoryAsync(string userId, int take, CancellationToken cancellationToken = default) =>
        db.CreditEntries.AsNoTracking().Where(e => e.UserId == userId)
            .OrderByDescending(e => e.Id).Take(take).ToListAsync(cancellationToken);

    // One conditional update: no transaction needed, the condition makes a concurrent writer's value stand.
    private Task<int> ReplaceCustomerAsync(string userId, string? replacing, string customerId, CancellationToken cancellationToken) =>
        db.CreditAccounts.Where(a => a.UserId == userId && a.StripeCustomerId == replacing)
            .ExecuteUpdateAsync(s => s.SetProperty(a => a.StripeCustomerId, customerId), cancellationToken);

    private Task<CreditAccount?> FindAccountAsync(string userId, CancellationToken cancellationToken) =>
        db.CreditAccounts.AsNoTracking().FirstOrDefaultAsync(a => a.UserId == userId, cancellationToken);

    /// <summary>Creates the account on the free tier with its first grant when there is none yet.</summary>
    private async Task<CreditAccount> EnsureAccountAsync(UnitOfWork unit, string userId, CancellationToken cancellationToken)
    {
        unit.Require(db);
        if (await FindAccountAsync(userId, cancellationToken) is { } existing)
        {
            return existing;
        }

        var free = billing.Value.GetFreeTier();
        var now = clock.GetUtcNow().UtcDateTime;
        var account = new CreditAccount
        {
            UserId = userId,
            TierId = free.Id,
            SubscriptionBalance = free.MonthlyCredits,
            PeriodEndsAt = now.AddMonths(1),
        };
        db.CreditAccounts.Add(account);
        Append(userId, CreditEntryKind.MonthlyGrant, $"signup:{userId}", free.MonthlyCredits, 0, $"{free.Name} plan: first month");
        await db.SaveChangesAsync(cancellationToken);
        return account;
    }

    /// <summary>
    /// Locks the account row for the rest of the unit (an update that changes nothing) and reads it. Concurrent
    /// units on the same account wait here, so what this one reads is still true when it commits.
    /// </summary>
    private async Task<CreditAccount> LockAsync(UnitOfWork unit, string userId, CancellationToken cancellationToken)
    {
        await EnsureAccountAsync(unit, userId, cancellationToken);
        await db.CreditAccounts.Where(a => a.UserId == userId)
            .ExecuteUpdateAsync(s => s.SetProperty(a => a.SubscriptionBalance, a => a.SubscriptionBalance), cancellationToken);
        return await db.CreditAccounts.AsNoTracking().FirstAsync(a => a.UserId == userId, cancellationToken);
    }

    /// <summary>Moves both balances; the guard makes a bug that would go below zero fail the unit instead.</summary>
    private async Task AddToBalancesAsync(string userId, int subscriptionAmount, int packAmount, CancellationToken cancellationToken)
    {
        var updated = await db.CreditAccounts
            .Where(a => a.UserId == userId && a.SubscriptionBalance + subscriptionAmount >= 0 && a.PackBalance + packAmount >= 0)
            .ExecuteUpdateAsync(s => s
                .SetProperty(a => a.SubscriptionBalance, a => a.SubscriptionBalance + subscriptionAmount)
                .SetProperty(a => a.PackBalance, a => a.PackBalance + packAmount), cancellationToken);
        if (updated != 1)
        {
            throw new InvalidOperationException($"The credit account of {userId} would go below zero.");
        }
    }

    /// <summary>
    /// Runs one ledger operation as its own unit. A duplicate (Kind, Reference) from a racing twin fails the insert
    /// and undoes the unit: the twin's effect stands, this one reports false.
    /// </summary>
    private async Task<bool> OwnUnitAsync(Func<UnitOfWork, CancellationToken, Task<bool>> operation, CancellationToken cancellationToken)
    {
        try
        {
            return await UnitOfWork.RunAsync(db, operation, applied => applied, cancellationToken);
        }
        catch (DbUpdateException)
        {
            return false;
        }
    }

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
}
