using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using OpenTelemetry.Metrics;
using Portal.Core.Data;
using Portal.Core.Jobs;
using Portal.Core.Scaling;
using Portal.Core.Telemetry;

namespace Portal.Worker;

/// <summary>
/// A worker-only node: the same database queue, file store and engine as the portal, without the web front end.
/// SIGTERM (docker stop, a Kubernetes scale-down) drains it: a running job is handed back to the queue at once.
/// </summary>
internal static class Program
{
    private static async Task Main(string[] args)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings
        {
            Args = args,
            // Settings and the default data folder sit beside the binary, wherever the process is started from.
            ContentRootPath = AppContext.BaseDirectory,
        });
        if (builder.Configuration.GetValue("Logging:Json", false))
        {
            builder.Logging.ClearProviders().AddJsonConsole(o => o.IncludeScopes = true);
        }

        builder.Services.AddSingleton(TimeProvider.System);
        builder.Services.AddPortalDbContext();
        builder.Services.AddJobProcessing();
        builder.Services.AddJobEventRelay(builder.Configuration);
        // Metrics of the jobs this node runs, for a Prometheus scraper on the cluster network (off unless a port is set);
        // traces and metrics also go to OTLP when OTEL_EXPORTER_OTLP_ENDPOINT is set.
        var metricsPort = builder.Configuration.GetValue("Telemetry:WorkerMetricsPort", 0);
        builder.Services.AddPortalTelemetry(builder.Configuration, "upscale-portal-worker")
            .WithMetrics(m =>
            {
                if (metricsPort > 0)
                {
                    // The address to listen on: localhost by default; in a cluster, the pod's own IP (README).
                    var metricsHost = builder.Configuration.GetValue("Telemetry:WorkerMetricsHost", "localhost")!;
                    m.AddPrometheusHttpListener(o => (o.Host, o.Port) = (metricsHost, metricsPort));
                }
            });
        builder.Services.AddHostedService<UpscaleWorker>();
        builder.Services.Configure<HostOptions>(o => o.ShutdownTimeout = TimeSpan.FromSeconds(builder.Configuration.GetValue("Jobs:DrainSeconds", 30)));

        // The schema belongs to the web node (it migrates SQLite at start-up; SQL Server uses the migrations bundle):
        // until it exists, the worker's loop waits and retries.
        using var host = builder.Build();
        await host.RunAsync();
    }
}
