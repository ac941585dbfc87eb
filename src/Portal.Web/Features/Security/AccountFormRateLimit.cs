using System.Threading.RateLimiting;
using Microsoft.Extensions.Options;

namespace Portal.Web.Features.Security;

/// <summary>
/// Limits form posts to the log-in, registration and recovery pages per client address.
/// Only posts count: reading the page is free, guessing passwords is not.
/// Refusals are answered by <see cref="PortalRateLimits"/>, the one owner of the 429 response.
/// </summary>
public static class AccountFormRateLimit
{
    public const string PolicyName = "account-forms";

    public static IServiceCollection AddAccountFormRateLimit(this IServiceCollection services)
    {
        services.AddRateLimiter(limiter =>
        {
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
        });
        return services;
    }
}
