using System.Text.Json;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Portal.Core.Accounts;
using Portal.Core.Data;
using Portal.Web.Components;
using Portal.Web.Features.Billing;
using Portal.Web.Features.Jobs;
using Portal.Web.Features.Preferences;
using Portal.Web.Features.Security;
using Portal.Web.Features.Telemetry;
using Portal.Web.Features.Uploads;

namespace Portal.Web.Extensions;

/// <summary>Start-up work and the HTTP pipeline.</summary>
public static partial class PortalPipelineExtensions
{
    /// <summary>Applies migrations (SQLite by default; SQL Server only when asked) and seeds the Admin role.</summary>
    public static async Task PrepareDatabaseAsync(this WebApplication app)
    {
        await app.Services.MigrateIfConfiguredAsync();
        await using var scope = app.Services.CreateAsyncScope();
        await scope.ServiceProvider.GetRequiredService<AdminRoleSeeder>().SeedAsync();
    }

    public static WebApplication UsePortalPipeline(this WebApplication app)
    {
        // First, so every response (errors and status pages too) carries the security headers.
        app.UsePortalSecurityHeaders();
        app.UsePortalMetricsEndpoint();
        if (app.Environment.IsDevelopment())
        {
            app.UseMigrationsEndPoint();
        }
        else
        {
            app.UseExceptionHandler("/Error", createScopeForErrors: true);
        }

        if (app.Environment.IsProduction())
        {
            // Behind a reverse proxy that ends TLS, set ASPNETCORE_FORWARDEDHEADERS_ENABLED=true (README, Operations)
            // so the app sees https and the client's address; HSTS is only ever sent over https.
            app.UseHsts();
            app.UseHttpsRedirection();
        }

        app.UseStatusCodePagesWithReExecute("/not-found", createScopeForStatusCodePages: true);
        // Named explicitly so they run after the security headers (the host would otherwise put them first).
        app.UseRouting();
        app.UseAuthentication();
        app.UseAuthorization();
        app.UseRateLimiter();
        app.UseAntiforgery();

        app.MapStaticAssets();
        app.MapRazorComponents<App>().AddInteractiveServerRenderMode(SecurityHeaders.WithoutOwnFramePolicy);
        app.MapAdditionalIdentityEndpoints();
        app.MapThemePreferenceEndpoint();
        app.MapUploadEndpoints();
        app.MapJobFileEndpoints();
        app.MapBillingEndpoints();
        app.MapHealthChecks("/healthz", new HealthCheckOptions { ResponseWriter = WriteHealthAsync });

        app.Lifetime.ApplicationStarted.Register(() =>
        {
            foreach (var address in app.Urls)
            {
                LogListening(app.Logger, address);
            }
        });
        return app;
    }

    private static Task WriteHealthAsync(HttpContext context, HealthReport report)
    {
        context.Response.ContentType = "application/json; charset=utf-8";
        return JsonSerializer.SerializeAsync(context.Response.Body, new
        {
            status = report.Status.ToString(),
            checks = report.Entries.ToDictionary(e => e.Key, e => new { status = e.Value.Status.ToString(), description = e.Value.Description }),
        });
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Upscale Portal is running at {Address}")]
    private static partial void LogListening(ILogger logger, string address);
}
