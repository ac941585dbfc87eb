using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Portal.Core.Billing;
using Portal.Core.Data;
using Portal.Core.Jobs;
using Portal.Models;
using Portal.Tests.Infrastructure;

namespace Portal.Tests.Jobs;

/// <summary>"Protect faces" is recorded on the job where it applies (a GAN style on a photo), null elsewhere, and the worker records what it did.</summary>
public sealed class FaceProtectionIsRecorded(PortalFactory factory) : IClassFixture<PortalFactory>
{
    [Fact]
    public async Task A_photo_detail_job_records_the_choice_and_the_faces_found_and_other_jobs_record_nothing()
    {
        var email = TestAccounts.NewEmail();
        var client = await TestAccounts.CreateLoggedInAsync(factory, email);
        string userId;
        using (var scope = factory.Services.CreateScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<PortalDbContext>();
            userId = await db.Users.Where(u => u.Email == email).Select(u => u.Id).SingleAsync();
            // Detail is a Studio option: a paid month, as the Stripe webhook grants it.
            var studio = scope.ServiceProvider.GetRequiredService<IOptions<BillingOptions>>().Value.FindTier("studio")!;
            Assert.True(await scope.ServiceProvider.GetRequiredService<CreditLedger>().GrantMonthlyAsync(userId, studio, "in_faces_" + Guid.NewGuid().ToString("N"), DateTime.UtcNow.AddDays(30)));
        }

        var image = await Uploads.UploadFixtureAsync(client, "photo.png");
        SubmitResult submitted;
        using (var scope = factory.Services.CreateScope())
        {
            submitted = await scope.ServiceProvider.GetRequiredService<JobService>().SubmitAsync(userId, Guid.NewGuid(),
            [
                // The fixture reads as noisy, which would send Detail to the 49 MB realesrgan-x4plus (fetched on first use); stated clean,
                // the jobs run the committed gans, the GAN network whose face protection this test is about.
                new JobRequest(image.Id, ContentType.Photo, QualityLevel.Detail, 4, Condition: InputCondition.Clean),
                new JobRequest(image.Id, ContentType.Photo, QualityLevel.Detail, 4, Faces: FaceProtection.Off, Condition: InputCondition.Clean),
                new JobRequest(image.Id, ContentType.Art, QualityLevel.Fast, 2, Faces: FaceProtection.Off),
            ]);
        }

        Assert.True(submitted.Succeeded, submitted.Error);
        var jobs = new List<UpscaleJob>();
        foreach (var id in submitted.JobIds)
        {
            jobs.Add(await TestJobs.WaitForAsync(factory, id, JobStatus.Succeeded, timeoutSeconds: 180));
        }

        // The fixture has no face: protection ran and found none.
        Assert.Equal((FaceProtection?)FaceProtection.Protect, jobs[0].FaceProtection);
        Assert.Equal(0, jobs[0].FacesProtected);
        Assert.Null(jobs[0].FaceProtectionNote);
        Assert.Equal((FaceProtection?)FaceProtection.Off, jobs[1].FaceProtection);
        Assert.Null(jobs[1].FacesProtected);
        Assert.Null(jobs[2].FaceProtection);
        Assert.Null(jobs[2].FacesProtected);
    }
}
