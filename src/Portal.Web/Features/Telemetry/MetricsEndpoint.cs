using System.Net;
using System.Security.Cryptography;
using System.Text;
using OpenTelemetry.Metrics;
using OpenTelemetry.Trace;
using Portal.Core.Telemetry;

namespace Portal.Web.Features.Telemetry;

/// <summary>
/// OpenTelemetry for the web node, and <c>GET /metrics</c> in Prometheus' text format. The endpoint is not public:
/// it answers a scraper that sends <c>Authorization: Bearer {Telemetry:MetricsToken}</c>, or a request from the
/// machine itself; anyone else gets the ordinary 404.
/// </summary>
public static class MetricsEndpoint
{
    public const string Path = "/metrics";

    public static IServiceCollection AddWebTelemetry(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddPortalTelemetry(configuration, "upscale-portal-web")
            .WithMetrics(m => m.AddAspNetCoreInstrumentation().AddPrometheusExporter())
            .WithTracing(t => t.AddAspNetCoreInstrumentation());
        return services;
    }

    public static IApplicationBuilder UsePortalMetricsEndpoint(this IApplicationBuilder app)
    {
        var token = app.ApplicationServices.GetRequiredService<IConfiguration>()["Telemetry:MetricsToken"];
        return app.UseOpenTelemetryPrometheusScrapingEndpoint(context => context.Request.Path == Path && Allowed(context, token));
    }

    private static bool Allowed(HttpContext context, string? token)
    {
        if (!string.IsNullOrEmpty(token))
        {
            var sent = context.Request.Headers.Authorization.ToString();
            var expected = "Bearer " + token;
            if (CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(sent), Encoding.UTF8.GetBytes(expected)))
            {
                return true;
            }
        }

        // A reverse proxy on the same machine makes every visitor look local: a request it forwarded is not.
        return context.Connection.RemoteIpAddress is { } address && IPAddress.IsLoopback(address)
            && !context.Request.Headers.ContainsKey("X-Forwarded-For");
    }
}
