using System.Net;
using System.Net.Http.Headers;
using Microsoft.Extensions.DependencyInjection;
using Portal.Core.Jobs;
using Portal.Models;
using Portal.Tests.Infrastructure;

namespace Portal.Tests.Telemetry;

public sealed class MetricsScrapedWithToken : PortalFactory
{
    public const string Token = "scrape-token-for-tests";

    public MetricsScrapedWithToken() => Settings["Telemetry:MetricsToken"] = Token;
}

/// <summary>GET /metrics: Prometheus text with the portal's own measurements, and only for the scraper.</summary>
public sealed class PrometheusEndpoint(MetricsScrapedWithToken portal) : IClassFixture<MetricsScrapedWithToken>
{
    [Fact]
    public async Task Without_the_token_the_endpoint_does_not_exist()
    {
        var client = portal.CreateClient();
        Assert.Equal(HttpStatusCode.NotFound, (await client.GetAsync("/metrics")).StatusCode);

        using var wrong = new HttpRequestMessage(HttpMethod.Get, "/metrics");
        wrong.Headers.Authorization = new AuthenticationHeaderValue("Bearer", "not-the-token");
        Assert.Equal(HttpStatusCode.NotFound, (await client.SendAsync(wrong)).StatusCode);
    }

    [Fact]
    public async Task After_a_job_the_scrape_shows_queue_depth_run_time_per_model_and_device_credits_and_requests()
    {
        var (client, userId) = await TestAccounts.SignInAsync(portal);
        var image = await Uploads.UploadFixtureAsync(client, "photo.png");
        using (var scope = portal.Services.CreateScope())
        {
            var submitted = await scope.ServiceProvider.GetRequiredService<JobService>()
                .SubmitAsync(userId, Guid.NewGuid(), [new JobRequest(image.Id, ContentType.Art, QualityLevel.Fast, 2)]);
            await TestJobs.WaitForAsync(portal, submitted.JobIds[0], JobStatus.Succeeded);
        }

        // The worker records a job's measurements just after its status commits, so the scrape waits for them.
        var text = await ScrapeAsync();
        for (var i = 0; i < 100 && !text.Contains("portal_job_run_seconds_count", StringComparison.Ordinal); i++)
        {
            await Task.Delay(100);
            text = await ScrapeAsync();
        }

        // OpenTelemetry listens to every meter named "Portal" in the process, so jobs that other test hosts run at the
        // same time can add to these counts: at least this job's one, not exactly one.
        Assert.Contains("portal_queue_depth", text, StringComparison.Ordinal);
        Assert.Matches(@"portal_job_run_seconds_count\{[^}]*device=""Cpu""[^}]*model=""art-x2""[^}]*\} [1-9]", text);
        Assert.Matches(@"portal_job_wait_seconds_count\{[^}]*\} [1-9]", text);
        Assert.Matches(@"portal_job_tiles_per_second_count\{", text);
        Assert.Matches(@"portal_credits_consumed_total\{[^}]*quality=""Fast""[^}]*\} [1-9]", text);
        Assert.Contains("http_server_request_duration_seconds", text, StringComparison.Ordinal);
    }

    private async Task<string> ScrapeAsync()
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "/metrics");
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", MetricsScrapedWithToken.Token);
        var response = await portal.CreateClient().SendAsync(request);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return await response.Content.ReadAsStringAsync();
    }
}
