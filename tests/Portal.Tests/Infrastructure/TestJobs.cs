using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Portal.Core.Data;
using Portal.Core.Jobs;

namespace Portal.Tests.Infrastructure;

/// <summary>Waiting on the real worker: polls the job's row until it reaches a status, failing fast if it ends elsewhere.</summary>
public static class TestJobs
{
    public static async Task<UpscaleJob> WaitForAsync(PortalFactory factory, Guid jobId, JobStatus status, int timeoutSeconds = 90)
    {
        var deadline = DateTime.UtcNow.AddSeconds(timeoutSeconds);
        while (true)
        {
            using var scope = factory.Services.CreateScope();
            var job = await scope.ServiceProvider.GetRequiredService<PortalDbContext>().Jobs.AsNoTracking().FirstAsync(j => j.Id == jobId);
            if (job.Status == status)
            {
                return job;
            }

            Assert.True(job.Status is JobStatus.Queued or JobStatus.Running, $"Job ended {job.Status}: {job.Error}");
            Assert.True(DateTime.UtcNow < deadline, $"Job still {job.Status} after {timeoutSeconds} s.");
            await Task.Delay(100);
        }
    }
}
