using System.Threading.RateLimiting;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.Extensions.Options;

namespace Portal.Web.Features.Security;

/// <summary>
/// Limits form posts to the log-in, registration and recovery pages per client address.
/// Only posts count: reading the page is free, guessing passwords is not.
/// </summary>
public static class AccountFormRateLimit
{
    public const string PolicyName = "account-forms";

    public static IServiceCollection AddAccountFormRateLimit(this IServiceCollection services)
    {
        services.AddRateLimiter(limiter =>
        {
            limiter.RejectionStatusCode = StatusCodes.Status429TooManyRequests;
            limiter.AddPolicy(PolicyName, context =>
            {
                if (!HttpMethods.IsPost(context.Request.Method))
                {
                    return RateLimitPartition.GetNoLimiter("reads");
                }

                var permits = context.RequestServices.GetRequiredService<IOptions<SecurityOptions>>().Value.AccountFormPostsPerMinute;
                var client = context.Connection.RemoteIpAddress?.ToString() ?? "unknown";
                return RateLimitPartition.GetFixedWindowLimiter(client, _ => new FixedWindowRateLimiterOptions
                {
                    PermitLimit = permits,
                    Window = TimeSpan.FromMinutes(1),
                    QueueLimit = 0,
                });
            });
            limiter.OnRejected = async (context, cancellationToken) =>
            {
                context.HttpContext.Response.ContentType = "text/plain; charset=utf-8";
                if (context.Lease.TryGetMetadata(MetadataName.RetryAfter, out var retryAfter))
                {
                    context.HttpContext.Response.Headers.RetryAfter = ((int)Math.Ceiling(retryAfter.TotalSeconds)).ToString();
                }

                await context.HttpContext.Response.WriteAsync(
                    "Too many attempts from your address. Please wait a minute and try again.", cancellationToken);
            };
        });
        return services;
    }
}
