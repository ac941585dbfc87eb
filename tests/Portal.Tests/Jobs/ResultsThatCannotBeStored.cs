using Portal.Core.Jobs;
using Portal.Models;
using Portal.Tests.Infrastructure;

namespace Portal.Tests.Jobs;

/// <summary>A result the local store cannot write (a file where its folder should be): the job fails and refunds.</summary>
public sealed class ResultsThatCannotBeStored(PortalFactory factory) : IClassFixture<PortalFactory>
{
    [Fact]
    public async Task When_the_result_cannot_be_stored_the_job_fails_cleanly_and_is_refunded()
    {
        var (client, userId) = await TestAccounts.SignInAsync(factory);
        var image = await Uploads.UploadFixtureAsync(client, "photo.png");
        var before = await JobLifecycle.BalanceAsync(factory, userId);
        // A file where the results folder should be: every write of a result fails.
        var results = Path.Combine(factory.DataPath, "users", Guid.Parse(userId).ToString("N"), "results");
        await File.WriteAllTextAsync(results, "not a folder");

        var submitted = await JobLifecycle.SubmitAsync(factory, userId, Guid.NewGuid(), new JobRequest(image.Id, ContentType.Art, QualityLevel.Fast, 2));
        var job = await TestJobs.WaitForAsync(factory, submitted.JobIds[0], JobStatus.Failed);

        Assert.Contains("could not be saved", job.Error);
        Assert.Equal(before, await JobLifecycle.BalanceAsync(factory, userId));
        Assert.Null(job.ResultKey);
    }
}
