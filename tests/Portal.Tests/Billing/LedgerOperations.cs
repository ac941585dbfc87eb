using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Portal.Core.Billing;
using Portal.Core.Data;

namespace Portal.Tests.Billing;

/// <summary>Grants, packs, expiry, refunds and adjustments on the real database: idempotent, never below zero.</summary>
public sealed class LedgerOperations(BillingFactory factory) : IClassFixture<BillingFactory>
{
    [Fact]
    public async Task The_monthly_grant_is_given_once_per_invoice_and_rolls_over_up_to_the_cap()
    {
        var userId = await factory.CreateUserAsync();
        var pro = Tier("pro");

        Assert.True(await Ledger(l => l.GrantMonthlyAsync(userId, pro, "in_1", null)));
        Assert.False(await Ledger(l => l.GrantMonthlyAsync(userId, pro, "in_1", null)));
        Assert.Equal(25 + 500, (await AccountAsync(userId)).SubscriptionBalance);

        Assert.True(await Ledger(l => l.GrantMonthlyAsync(userId, pro, "in_2", null)));
        Assert.True(await Ledger(l => l.GrantMonthlyAsync(userId, pro, "in_3", null)));
        var account = await AccountAsync(userId);
        Assert.Equal(pro.RolloverCapCredits, account.SubscriptionBalance);
        Assert.Equal("pro", account.TierId);
    }

    [Fact]
    public async Task A_pack_is_added_once_never_expires_and_its_refund_takes_back_only_what_is_left()
    {
        var userId = await factory.CreateUserAsync();
        var pack = Options().FindPack("small")!;

        Assert.True(await Ledger(l => l.AddPackAsync(userId, pack, "pi_1")));
        Assert.False(await Ledger(l => l.AddPackAsync(userId, pack, "pi_1")));
        Assert.True(await Ledger(l => l.ExpireSubscriptionAsync(userId, "sub_1")));
        var account = await AccountAsync(userId);
        Assert.Equal((0, pack.Credits, "free"), (account.SubscriptionBalance, account.PackBalance, account.TierId));

        // Spend some pack credits, then the payment is refunded: only the rest comes back off, never below zero.
        Assert.True((await Ledger(l => l.ReserveAsync(userId, Guid.NewGuid(), 150))).Reserved);
        Assert.True(await Ledger(l => l.RefundPackAsync("pi_1", null)));
        Assert.False(await Ledger(l => l.RefundPackAsync("pi_1", null)));
        Assert.Equal(0, (await AccountAsync(userId)).PackBalance);
    }

    [Fact]
    public async Task A_refund_seen_before_its_purchase_means_the_late_purchase_grants_nothing()
    {
        var userId = await factory.CreateUserAsync();
        Assert.True(await Ledger(l => l.RefundPackAsync("pi_early", userId)));
        Assert.True(await Ledger(l => l.AddPackAsync(userId, Options().FindPack("large")!, "pi_early")));
        Assert.Equal(0, (await AccountAsync(userId)).PackBalance);
    }

    [Fact]
    public async Task An_adjustment_below_zero_is_refused_and_every_attempt_is_audited()
    {
        var userId = await factory.CreateUserAsync();
        var adminId = await factory.CreateUserAsync();

        var added = await Ledger(l => l.AdjustAsync(userId, adminId, 40, "Goodwill for a failed batch"));
        Assert.True(added.Applied, added.Message);
        Assert.Equal(65, added.Balance);

        var refused = await Ledger(l => l.AdjustAsync(userId, adminId, -66, "Too much"));
        Assert.False(refused.Applied);
        Assert.Contains("below zero", refused.Message);

        var noReason = await Ledger(l => l.AdjustAsync(userId, adminId, 5, "  "));
        Assert.False(noReason.Applied);
        var ghost = await Ledger(l => l.AdjustAsync("no-such-user", adminId, 5, "typo"));
        Assert.False(ghost.Applied);

        var removed = await Ledger(l => l.AdjustAsync(userId, adminId, -65, "Chargeback"));
        Assert.True(removed.Applied, removed.Message);
        var account = await AccountAsync(userId);
        Assert.Equal((0, 0), (account.SubscriptionBalance, account.PackBalance));

        using var scope = factory.Services.CreateScope();
        var db = scope.ServiceProvider.GetRequiredService<PortalDbContext>();
        var audit = await db.CreditAdjustments.Where(a => a.UserId == userId).OrderBy(a => a.Id).ToListAsync();
        Assert.Equal([true, false, false, true], audit.Select(a => a.Applied));
        Assert.All(audit, a => Assert.Equal(adminId, a.AdminUserId));
        Assert.Single(await db.CreditAdjustments.Where(a => a.UserId == "no-such-user").ToListAsync());
        Assert.Equal(2, await db.CreditEntries.CountAsync(e => e.UserId == userId && e.Kind == CreditEntryKind.Adjustment));
    }

    [Fact]
    public async Task A_hundred_concurrent_reservations_against_ten_credits_accept_exactly_ten()
    {
        var userId = await factory.CreateUserAsync();
        Assert.True((await Ledger(l => l.ReserveAsync(userId, Guid.NewGuid(), 15))).Reserved); // 25 -> 10

        var results = await Task.WhenAll(Enumerable.Range(0, 100).Select(_ => Task.Run(() => Ledger(l => l.ReserveAsync(userId, Guid.NewGuid(), 1)))));

        Assert.Equal(10, results.Count(r => r.Reserved));
        Assert.All(results, r => Assert.True(r.Balance >= 0));
        var account = await AccountAsync(userId);
        Assert.Equal((0, 0), (account.SubscriptionBalance, account.PackBalance));
        using var scope = factory.Services.CreateScope();
        var db = scope.ServiceProvider.GetRequiredService<PortalDbContext>();
        var entries = await db.CreditEntries.Where(e => e.UserId == userId).ToListAsync();
        Assert.Equal(11, entries.Count(e => e.Kind == CreditEntryKind.Reserve));
        Assert.Equal(0, entries.Sum(e => e.SubscriptionAmount + e.PackAmount));
    }

    [Fact]
    public async Task A_failure_reported_twice_at_once_refunds_once()
    {
        var userId = await factory.CreateUserAsync();
        var jobId = Guid.NewGuid();
        Assert.True((await Ledger(l => l.ReserveAsync(userId, jobId, 8))).Reserved);

        var refunds = await Task.WhenAll(Task.Run(() => Ledger(l => l.RefundAsync(jobId, "engine failed"))), Task.Run(() => Ledger(l => l.RefundAsync(jobId, "engine failed"))));

        Assert.Single(refunds, r => r);
        Assert.False(await Ledger(l => l.RefundAsync(jobId, "reported again")));
        Assert.Equal(25, (await AccountAsync(userId)).Total);
    }

    private BillingOptions Options() => factory.Services.GetRequiredService<IOptions<BillingOptions>>().Value;

    private PricingTier Tier(string id) => Options().FindTier(id)!;

    // A scope per call, as separate requests would have.
    private async Task<T> Ledger<T>(Func<CreditLedger, Task<T>> action)
    {
        await using var scope = factory.Services.CreateAsyncScope();
        return await action(scope.ServiceProvider.GetRequiredService<CreditLedger>());
    }

    private Task<CreditAccount> AccountAsync(string userId) => Ledger(l => l.GetAccountAsync(userId));
}
