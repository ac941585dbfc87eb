using System.Diagnostics;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using Portal.Core.Billing;
using Portal.Core.Data;
using Portal.Core.Jobs;
using Portal.E2E.Infrastructure;
using Portal.Tests.Infrastructure;
using static Microsoft.Playwright.Assertions;

namespace Portal.E2E;

/// <summary>
/// Redis configured but down on both nodes: the job runs on a separate worker node, whose events cannot reach the
/// web node, and the job page still follows it to its finished state by polling the database.
/// </summary>
public sealed class RedisDownFallsBackToPolling(RedisDownPortalServer server) : IClassFixture<RedisDownPortalServer>
{
    [Fact]
    public async Task A_job_page_open_before_a_worker_on_another_node_starts_shows_the_finished_job()
    {
        var email = AccountSteps.NewEmail();
        var page = await AccountSteps.NewConfirmedUserAsync(server, email);
        await AccountSteps.LogInAsync(page, email);
        await JobSteps.SubmitPhotoJobAsync(page);

        // No worker runs yet: the job waits in the queue while its page opens.
        await page.GetByTestId("job-row").GetByRole(AriaRole.Link).ClickAsync();
        await JobSteps.WaitForInteractiveAsync(page);
        await Expect(page.GetByTestId("job-status")).ToContainTextAsync("Waiting in the queue");

        var worker = StartWorkerNode();
        try
        {
            await Expect(page.GetByTestId("job-status")).ToContainTextAsync("256 x 192 pixels", new() { Timeout = 180_000 });
            await Expect(page.GetByTestId("download")).ToBeVisibleAsync();
        }
        finally
        {
            worker.Kill(entireProcessTree: true);
            await worker.WaitForExitAsync();
            worker.Dispose();
        }

        // Nothing lost: the job ran once and was charged once.
        using var scope = server.Factory.Services.CreateScope();
        var db = scope.ServiceProvider.GetRequiredService<PortalDbContext>();
        var user = await db.Users.SingleAsync(u => u.Email == email);
        var job = await db.Jobs.AsNoTracking().SingleAsync(j => j.UserId == user.Id);
        Assert.Equal((JobStatus.Succeeded, 1), (job.Status, job.Attempts));
        var account = await scope.ServiceProvider.GetRequiredService<CreditLedger>().GetAccountAsync(user.Id);
        var freeCredits = scope.ServiceProvider.GetRequiredService<Microsoft.Extensions.Options.IOptions<BillingOptions>>().Value.GetFreeTier().MonthlyCredits;
        Assert.Equal(freeCredits - job.Cost, account.Total);
    }

    /// <summary>A second portal process sharing the data folder (database and files) that only runs jobs, with the same dead Redis.</summary>
    private Process StartWorkerNode() => PortalProcess.Start(server.Factory.DataPath, new Dictionary<string, string>
    {
        ["Redis__Configuration"] = RedisDownPortalServer.UnreachableRedis,
        ["Engine__UseGpu"] = "false",
        ["Engine__CpuThreads"] = "1",
        ["Jobs__PollSeconds"] = "1",
    });
}
