using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using OpenTelemetry;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;

namespace Portal.Core.Telemetry;

/// <summary>
/// OpenTelemetry traces and metrics for either host: EF Core, the HTTP client, .NET's runtime and the portal's own
/// meter; the caller adds what only it has (ASP.NET Core and the Prometheus endpoint on the web node). Traces and
/// metrics also go to an OTLP collector when <c>OTEL_EXPORTER_OTLP_ENDPOINT</c> is set.
/// </summary>
public static class TelemetryServiceExtensions
{
    public static OpenTelemetryBuilder AddPortalTelemetry(this IServiceCollection services, IConfiguration configuration, string serviceName)
    {
        services.AddSingleton<PortalMetrics>();
        var telemetry = services.AddOpenTelemetry()
            .ConfigureResource(r => r.AddService(serviceName))
            .WithMetrics(m => m
                .AddMeter(PortalMetrics.MeterName)
                .AddHttpClientInstrumentation()
                .AddRuntimeInstrumentation())
            .WithTracing(t => t
                .AddSource(PortalMetrics.MeterName)
                .AddEntityFrameworkCoreInstrumentation()
                .AddHttpClientInstrumentation());
        if (!string.IsNullOrWhiteSpace(configuration["OTEL_EXPORTER_OTLP_ENDPOINT"]))
        {
            telemetry.UseOtlpExporter();
        }

        return telemetry;
    }
}
