using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Portal.Core.Billing;
using Portal.Core.Data;
using Portal.Core.Jobs;
using Portal.Tests.Infrastructure;

namespace Portal.Tests.Jobs;

public sealed class FreePlanRefill(PortalFactory factory) : IClassFixture<PortalFactory>
{
    [Fact]
    public async Task After_its_period_ends_a_free_account_is_refilled_once_up_to_the_monthly_amount()
    {
        var email = TestAccounts.NewEmail();
        await TestAccounts.CreateLoggedInAsync(factory, email);
        using var scope = factory.Services.CreateScope();
        var db = scope.ServiceProvider.GetRequiredService<PortalDbContext>();
        var userId = await db.Users.Where(u => u.Email == email).Select(u => u.Id).SingleAsync();
        var jobs = scope.ServiceProvider.GetRequiredService<JobService>();
        var ledger = scope.ServiceProvider.GetRequiredService<CreditLedger>();
        await ledger.GetAccountAsync(userId);
        var ended = DateTime.UtcNow.AddDays(-40);
        await db.CreditAccounts.Where(a => a.UserId == userId)
            .ExecuteUpdateAsync(s => s.SetProperty(a => a.SubscriptionBalance, 3).SetProperty(a => a.PeriodEndsAt, ended));

        await jobs.TierOfAsync(userId);
        await jobs.TierOfAsync(userId);

        var account = await ledger.GetAccountAsync(userId);
        Assert.Equal(25, account.SubscriptionBalance); // the free plan keeps no more than a month's credits
        Assert.True(account.PeriodEndsAt > DateTime.UtcNow);
        Assert.Equal(1, await db.CreditEntries.CountAsync(e => e.UserId == userId && e.Reference.StartsWith("free:")));
    }
}
