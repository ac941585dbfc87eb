using System.Net;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Portal.Core.Billing;
using Portal.Core.Data;
using Portal.Core.Jobs;
using Portal.Core.Uploads;
using Portal.Engine.Imaging;
using Portal.Models;
using Portal.Web.Features.Billing;

namespace Portal.Tests.Billing;

/// <summary>
/// Each unit of work runs inside the execution strategy: a transient fault on its first commit replays the whole
/// unit once, and the effect is applied exactly once. The host runs the retrying strategy SQL Server uses.
/// </summary>
public sealed class TransientFaultsAreRetried(BillingFactory factory) : IClassFixture<BillingFactory>
{
    [Fact]
    public async Task A_transaction_opened_outside_the_strategy_is_refused_as_on_sql_server()
    {
        await using var scope = factory.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<PortalDbContext>();
        await using var transaction = await db.Database.BeginTransactionAsync();

        var refused = await Assert.ThrowsAsync<InvalidOperationException>(() => db.CreditAccounts.AnyAsync());
        Assert.Contains("does not support user-initiated transactions", refused.Message);
    }

    [Fact]
    public async Task A_submit_whose_commit_fails_once_creates_its_job_and_charges_once()
    {
        var userId = await factory.CreateUserAsync();
        var imageId = await AddImageAsync(userId);
        var before = await TotalAsync(userId);
        var batch = Guid.NewGuid();

        var failedBefore = factory.Faults.Failed;
        factory.Faults.FailNextCommits(1);
        SubmitResult result;
        await using (var scope = factory.Services.CreateAsyncScope())
        {
            result = await scope.ServiceProvider.GetRequiredService<JobService>()
                .SubmitAsync(userId, batch, [new JobRequest(imageId, ContentType.Art, QualityLevel.Fast, 2)]);
        }

        Assert.Equal(failedBefore + 1, factory.Faults.Failed);
        Assert.True(result.Succeeded, result.Error);
        await using var check = factory.Services.CreateAsyncScope();
        var db = check.ServiceProvider.GetRequiredService<PortalDbContext>();
        Assert.Equal(1, await db.Jobs.CountAsync(j => j.BatchId == batch));
        Assert.Equal(1, await db.CreditEntries.CountAsync(e => e.Kind == CreditEntryKind.Reserve && e.Reference == result.JobIds[0].ToString()));
        Assert.Equal(before - result.Cost, await TotalAsync(userId));
    }

    [Fact]
    public async Task A_refund_whose_commit_fails_once_gives_the_credits_back_once()
    {
        var userId = await factory.CreateUserAsync();
        var jobId = Guid.NewGuid();
        Assert.True((await Ledger(l => l.ReserveAsync(userId, jobId, 7))).Reserved);

        var failedBefore = factory.Faults.Failed;
        factory.Faults.FailNextCommits(1);
        Assert.True(await Ledger(l => l.RefundAsync(jobId, "engine failed")));

        Assert.Equal(failedBefore + 1, factory.Faults.Failed);
        Assert.Equal(25, await TotalAsync(userId));
        Assert.Equal(1, await CountEntriesAsync(CreditEntryKind.Refund, jobId.ToString()));
    }

    [Fact]
    public async Task A_ledger_grant_whose_commit_fails_once_is_granted_once()
    {
        var userId = await factory.CreateUserAsync();
        var pro = factory.Services.GetRequiredService<IOptions<BillingOptions>>().Value.FindTier("pro")!;
        await Ledger(l => l.GetAccountAsync(userId));

        var failedBefore = factory.Faults.Failed;
        factory.Faults.FailNextCommits(1);
        Assert.True(await Ledger(l => l.GrantMonthlyAsync(userId, pro, "in_transient", null)));

        Assert.Equal(failedBefore + 1, factory.Faults.Failed);
        Assert.Equal(25 + pro.MonthlyCredits, await TotalAsync(userId));
        Assert.Equal(1, await CountEntriesAsync(CreditEntryKind.MonthlyGrant, "in_transient"));
    }

    [Fact]
    public async Task A_webhook_whose_commit_fails_once_is_fulfilled_once()
    {
        var userId = await factory.CreateUserAsync();
        var payment = StripeEventJson.NewId("pi");
        var payload = StripeEventJson.CheckoutCompleted(StripeEventJson.NewId("cs"), userId, StripeEventJson.NewId("cus"), "payment",
            new Dictionary<string, string> { ["user_id"] = userId, ["kind"] = "pack", ["pack"] = "small" },
            null, payment, DateTimeOffset.UtcNow.ToUnixTimeSeconds());
        await Ledger(l => l.GetAccountAsync(userId));

        var failedBefore = factory.Faults.Failed;
        factory.Faults.FailNextCommits(1);
        var response = await SignedWebhooks.PostSignedAsync(factory.CreateClient(), payload);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(failedBefore + 1, factory.Faults.Failed);
        Assert.Contains("pack small added", await response.Content.ReadAsStringAsync());
        Assert.Equal(200, (await Ledger(l => l.GetAccountAsync(userId))).PackBalance);
        Assert.Equal(1, await CountEntriesAsync(CreditEntryKind.Purchase, payment));
        await using var scope = factory.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<PortalDbContext>();
        var eventId = System.Text.Json.JsonDocument.Parse(payload).RootElement.GetProperty("id").GetString();
        Assert.Equal(1, await db.ProcessedStripeEvents.CountAsync(e => e.Id == eventId));
    }

    private async Task<Guid> AddImageAsync(string userId)
    {
        await using var scope = factory.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<PortalDbContext>();
        var image = new StoredImage
        {
            Id = Guid.NewGuid(),
            UserId = userId,
            FileName = "photo.png",
            StorageKey = $"users/{userId}/uploads/{Guid.NewGuid():N}.png",
            Format = ImageFormat.Png,
            Width = 128,
            Height = 96,
            SizeBytes = 1000,
            CreatedAt = DateTime.UtcNow,
        };
        db.Images.Add(image);
        await db.SaveChangesAsync();
        return image.Id;
    }

    private async Task<int> CountEntriesAsync(CreditEntryKind kind, string reference)
    {
        await using var scope = factory.Services.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<PortalDbContext>().CreditEntries.CountAsync(e => e.Kind == kind && e.Reference == reference);
    }

    private async Task<int> TotalAsync(string userId) => (await Ledger(l => l.GetAccountAsync(userId))).Total;

    private async Task<T> Ledger<T>(Func<CreditLedger, Task<T>> action)
    {
        await using var scope = factory.Services.CreateAsyncScope();
        return await action(scope.ServiceProvider.GetRequiredService<CreditLedger>());
    }
}
