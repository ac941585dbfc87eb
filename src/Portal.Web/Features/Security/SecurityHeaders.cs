using System.Security.Cryptography;
using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Components.Server;

namespace Portal.Web.Features.Security;

/// <summary>
/// The one owner of the security headers: every response gets them (pages, API, static files, status pages,
/// errors), added just before the headers are sent so nothing later in the pipeline can lose them. A response
/// that sets its own Content-Security-Policy (user files) keeps it.
/// </summary>
public static class SecurityHeaders
{
    private const string NonceKey = "portal.csp-nonce";

    /// <summary>
    /// Features no page uses are off; passkeys (WebAuthn) need the two publickey-credentials features on this origin.
    /// </summary>
    public const string PermissionsPolicy =
        "accelerometer=(), autoplay=(), camera=(), display-capture=(), encrypted-media=(), geolocation=(), gyroscope=(), " +
        "magnetometer=(), microphone=(), midi=(), payment=(), picture-in-picture=(), screen-wake-lock=(), usb=(), " +
        "xr-spatial-tracking=(), fullscreen=(self), publickey-credentials-create=(self), publickey-credentials-get=(self)";

    /// <summary>
    /// For user files: whatever the bytes are, a browser that opens one runs nothing (no script, no plug-in,
    /// sandboxed as a unique origin); images still show, because the top-level image viewer is not a document fetch.
    /// </summary>
    public const string FilePolicy = "sandbox; default-src 'none'; img-src 'self' data:; style-src 'unsafe-inline'; frame-ancestors 'self'";

    /// <summary>Takes the headers away from the framework parts that add their own, so this class is their one owner.</summary>
    public static IServiceCollection AddPortalSecurityHeaders(this IServiceCollection services)
    {
        services.Configure<AntiforgeryOptions>(o => o.SuppressXFrameOptionsHeader = true);
        return services;
    }

    /// <summary>Blazor adds <c>frame-ancestors 'self'</c> on its own; our policy carries that directive.</summary>
    public static void WithoutOwnFramePolicy(ServerComponentsEndpointOptions options) => options.ContentSecurityFrameAncestorsPolicy = null;

    public static IApplicationBuilder UsePortalSecurityHeaders(this IApplicationBuilder app) => app.Use((context, next) =>
    {
        context.Response.OnStarting(static state =>
        {
            var http = (HttpContext)state;
            var headers = http.Response.Headers;
            headers.XContentTypeOptions = "nosniff";
            headers.XFrameOptions = "SAMEORIGIN";
            headers["Referrer-Policy"] = "strict-origin-when-cross-origin";
            headers["Permissions-Policy"] = PermissionsPolicy;
            headers["Cross-Origin-Opener-Policy"] = "same-origin";
            if (string.IsNullOrEmpty(headers.ContentSecurityPolicy))
            {
                headers.ContentSecurityPolicy = ContentSecurityPolicy(http);
            }

            return Task.CompletedTask;
        }, context);
        return next(context);
    });

    /// <summary>A random value per response; the page's only inline script (the import map) carries it.</summary>
    public static string Nonce(HttpContext context)
    {
        if (context.Items[NonceKey] is not string nonce)
        {
            nonce = Convert.ToBase64String(RandomNumberGenerator.GetBytes(16));
            context.Items[NonceKey] = nonce;
        }

        return nonce;
    }

    /// <summary>
    /// Scripts only from this origin (plus the nonced import map): no inline handlers, no eval. Styles allow
    /// 'unsafe-inline' because MudBlazor writes style attributes on its components. The circuit's WebSocket is
    /// named explicitly for browsers that do not count ws: as 'self'.
    /// </summary>
    public static string ContentSecurityPolicy(HttpContext context)
    {
        var host = context.Request.Host.Value;
        var sockets = string.IsNullOrEmpty(host) ? "" : context.Request.IsHttps ? $" wss://{host}" : $" ws://{host} wss://{host}";
        return "default-src 'self'; " +
               $"script-src 'self' 'nonce-{Nonce(context)}'; " +
               "style-src 'self' 'unsafe-inline'; " +
               "img-src 'self' data: blob:; " +
               "font-src 'self' data:; " +
               $"connect-src 'self'{sockets}; " +
               "object-src 'none'; " +
               "base-uri 'self'; " +
               "frame-ancestors 'self'; " +
               "frame-src 'self'; " +
               "worker-src 'self' blob:; " +
               "manifest-src 'self'";
    }
}
