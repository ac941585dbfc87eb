using System.Diagnostics.Metrics;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Portal.Core.Data;
using Portal.Core.Jobs;
using Portal.Engine;

namespace Portal.Core.Telemetry;

/// <summary>
/// The portal's own measurements (meter <c>Portal</c>), next to ASP.NET Core's, EF Core's and the HTTP client's:
/// how long jobs wait and run per model and device, tiles per second, credits consumed and refunded, and the
/// depth of the queue (read from the database when the metrics are collected, so every node reports the same).
/// </summary>
public sealed class PortalMetrics : IDisposable
{
    public const string MeterName = "Portal";

    private readonly Meter meter;
    private readonly Histogram<double> waitSeconds;
    private readonly Histogram<double> runSeconds;
    private readonly Histogram<double> tilesPerSecond;
    private readonly Counter<long> jobsFinished;
    private readonly Counter<long> creditsConsumed;
    private readonly Counter<long> refunds;
    private readonly Counter<long> creditsRefunded;

    public PortalMetrics(IMeterFactory meters, IServiceScopeFactory scopes)
    {
        meter = meters.Create(MeterName);
        waitSeconds = meter.CreateHistogram<double>("portal.job.wait", "s", "Time from submit to the start of the run that finished the job.");
        runSeconds = meter.CreateHistogram<double>("portal.job.run", "s", "Upscaling time of a successful job, by model and device.");
        tilesPerSecond = meter.CreateHistogram<double>("portal.job.tiles_per_second", "{tile}/s", "Tiles per second of a successful job, by model and device.");
        jobsFinished = meter.CreateCounter<long>("portal.jobs.finished", "{job}", "Jobs that ended, by status.");
        creditsConsumed = meter.CreateCounter<long>("portal.credits.consumed", "{credit}", "Credits spent on jobs that succeeded, by quality.");
        refunds = meter.CreateCounter<long>("portal.refunds", "{refund}", "Jobs refunded (failed or canceled), by status.");
        creditsRefunded = meter.CreateCounter<long>("portal.credits.refunded", "{credit}", "Credits given back by refunds.");
        meter.CreateObservableGauge("portal.queue.depth", () => QueueDepth(scopes), "{job}", "Jobs waiting to be claimed.");
    }

    public void JobSucceeded(UpscaleJob job, UpscaleResult result, DateTime startedAt, TimeSpan run)
    {
        ArgumentNullException.ThrowIfNull(job);
        ArgumentNullException.ThrowIfNull(result);
        var model = new KeyValuePair<string, object?>("model", result.ModelId);
        var device = new KeyValuePair<string, object?>("device", result.Device.ToString());
        waitSeconds.Record(Math.Max(0, (startedAt - job.CreatedAt).TotalSeconds), model);
        runSeconds.Record(run.TotalSeconds, model, device);
        if (run > TimeSpan.Zero)
        {
            tilesPerSecond.Record(result.Tiles / run.TotalSeconds, model, device);
        }

        jobsFinished.Add(1, new KeyValuePair<string, object?>("status", nameof(JobStatus.Succeeded)));
        creditsConsumed.Add(job.Cost, new KeyValuePair<string, object?>("quality", job.Quality.ToString()));
    }

    public void JobRefunded(int credits, JobStatus status)
    {
        var tag = new KeyValuePair<string, object?>("status", status.ToString());
        jobsFinished.Add(1, tag);
        refunds.Add(1, tag);
        creditsRefunded.Add(credits, tag);
    }

    public void Dispose() => meter.Dispose();

    private static IEnumerable<Measurement<long>> QueueDepth(IServiceScopeFactory scopes)
    {
        long queued;
        try
        {
            using var scope = scopes.CreateScope();
            queued = scope.ServiceProvider.GetRequiredService<PortalDbContext>().Jobs.AsNoTracking().LongCount(j => j.Status == JobStatus.Queued);
        }
        catch (Exception e) when (e is InvalidOperationException or System.Data.Common.DbException)
        {
            // The database is unreachable: report nothing rather than a wrong zero.
            return [];
        }

        return [new Measurement<long>(queued)];
    }
}
