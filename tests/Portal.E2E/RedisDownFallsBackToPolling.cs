using System.Diagnostics;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using Portal.Core.Billing;
using Portal.Core.Data;
using Portal.Core.Jobs;
using Portal.E2E.Infrastructure;
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
        await page.OpenAsync("/upload");
        await Expect(page.GetByTestId("upload-zone")).ToHaveAttributeAsync("data-ready", "true");
        await page.Locator("[data-testid=upload-input]").SetInputFilesAsync(JobSteps.FixturePath("photo.png"));
        await Expect(page.GetByTestId("upload-ok")).ToContainTextAsync("128 x 96 pixels");
        await page.GetByTestId("scale-2").ClickAsync();
        await page.GetByText("Art and anime").ClickAsync();
        await page.GetByTestId("quality-fast").ClickAsync();
        await page.GetByTestId("submit").ClickAsync();

        // No worker runs yet: the job waits in the queue while its page opens.
        await page.GetByTestId("job-row").GetByRole(AriaRole.Link).ClickAsync();
        await JobSteps.WaitForInteractiveAsync(page);
        await Expect(page.GetByTestId("job-status")).ToContainTextAsync("Waiting in the queue");

        using var worker = StartWorkerNode();
        await Expect(page.GetByTestId("job-status")).ToContainTextAsync("256 x 192 pixels", new() { Timeout = 180_000 });
        await Expect(page.GetByTestId("download")).ToBeVisibleAsync();

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
    private WorkerNode StartWorkerNode()
    {
        var web = typeof(Program).Assembly.Location;
        var start = new ProcessStartInfo("dotnet", [web])
        {
            WorkingDirectory = Path.GetDirectoryName(web)!,
            UseShellExecute = false,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        start.Environment["ASPNETCORE_ENVIRONMENT"] = "Development";
        start.Environment["ASPNETCORE_URLS"] = "http://127.0.0.1:0";
        start.Environment["Storage__DataPath"] = server.Factory.DataPath;
        start.Environment["Redis__Configuration"] = RedisDownPortalServer.UnreachableRedis;
        start.Environment["Engine__UseGpu"] = "false";
        start.Environment["Engine__CpuThreads"] = "1";
        start.Environment["Jobs__PollSeconds"] = "1";
        start.Environment["Logging__LogLevel__Default"] = "Warning";
        return new WorkerNode(Process.Start(start)!);
    }

    private sealed class WorkerNode : IDisposable
    {
        private readonly Process process;

        public WorkerNode(Process process)
        {
            this.process = process;
            process.OutputDataReceived += (_, _) => { };
            process.ErrorDataReceived += (_, _) => { };
            process.BeginOutputReadLine();
            process.BeginErrorReadLine();
        }

        public void Dispose()
        {
            process.Kill(entireProcessTree: true);
            process.WaitForExit(5000);
            process.Dispose();
        }
    }
}
