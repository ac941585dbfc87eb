using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Portal.Core.Data;
using Portal.Core.Jobs;
using Portal.Models;
using Portal.Tests.Infrastructure;

namespace Portal.Tests.Economics;

/// <summary>The economics page over real HTTP: only the Admin role opens it, and it reads the portal's own database.</summary>
public sealed class EconomicsPageIsForAdmins : IDisposable
{
    private const string AdminEmail = "economics-admin@example.test";
    private readonly PortalFactory factory = new();

    public EconomicsPageIsForAdmins()
    {
        factory.Settings["Jobs:RunWorker"] = "false";
        factory.Settings["Admin:Emails:0"] = AdminEmail;
        factory.Settings["Economics:GpuHourUsd"] = "3.60";
    }

    [Fact]
    public async Task An_admin_sees_no_jobs_first_then_the_measured_job_and_the_link_in_the_menu()
    {
        var admin = await TestAccounts.CreateLoggedInAsync(factory, AdminEmail);

        var empty = await admin.GetStringAsync("/admin/economics");
        Assert.Contains("No completed jobs yet", empty);
        Assert.Contains("href=\"admin/economics\"", empty);

        await AddFinishedJobAsync(AdminEmail);
        var page = await admin.GetStringAsync("/admin/economics");
        Assert.DoesNotContain("No completed jobs yet", page);
        Assert.Contains("economics-net", page);
        Assert.Contains("$3.60 per GPU hour", page);
        Assert.Contains("4.000", page); // 16 s over 2,000 x 2,000 pixels
    }

    [Fact]
    public async Task Others_are_refused_or_sent_to_log_in()
    {
        var user = await TestAccounts.CreateLoggedInAsync(factory);
        var refused = await user.GetAsync("/admin/economics");
        Assert.NotEqual(HttpStatusCode.OK, refused.StatusCode);
        Assert.DoesNotContain("Unit economics", await refused.Content.ReadAsStringAsync());
        Assert.DoesNotContain("href=\"admin/economics\"", await user.GetStringAsync("/dashboard"));

        var anonymous = await TestAccounts.NewClient(factory).GetAsync("/admin/economics");
        Assert.Equal(HttpStatusCode.Redirect, anonymous.StatusCode);
        Assert.Contains("Account/Login", anonymous.Headers.Location!.OriginalString);
    }

    private async Task AddFinishedJobAsync(string email)
    {
        using var scope = factory.Services.CreateScope();
        var db = scope.ServiceProvider.GetRequiredService<PortalDbContext>();
        var user = db.Users.Single(u => u.Email == email);
        var image = new Portal.Core.Uploads.StoredImage { Id = Guid.NewGuid(), UserId = user.Id, FileName = "a.png", StorageKey = "users/x/a.png", Width = 1000, Height = 1000, CreatedAt = DateTime.UtcNow };
        db.Images.Add(image);
        db.Jobs.Add(new UpscaleJob
        {
            Id = Guid.NewGuid(), UserId = user.Id, ImageId = image.Id, BatchId = Guid.NewGuid(), ModelId = "economics-net",
            Quality = QualityLevel.Ultra, Cost = 4, Scale = 2, Status = JobStatus.Succeeded, Device = "Cuda",
            OutputWidth = 2000, OutputHeight = 2000, RunMilliseconds = 16_000, CreatedAt = DateTime.UtcNow, CompletedAt = DateTime.UtcNow,
        });
        await db.SaveChangesAsync();
    }

    public void Dispose() => factory.Dispose();
}
