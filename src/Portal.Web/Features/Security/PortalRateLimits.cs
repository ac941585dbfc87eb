using System.Security.Claims;
using System.Threading.RateLimiting;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.Extensions.Options;

namespace Portal.Web.Features.Security;

/// <summary>
/// Per-account rate limits on the HTTP endpoints (uploads, downloads, billing, webhook), partitioned by user id
/// and by client address when signed out. A refused request answers 429 with Retry-After before its endpoint
/// runs, so nothing is stored and nothing is charged. Submits happen inside the live circuit and go through
/// <see cref="AccountRateLimiter"/> with the same configuration.
/// </summary>
public static class PortalRateLimits
{
    public const string Uploads = nameof(RateLimitOptions.Uploads);
    public const string Submits = nameof(RateLimitOptions.Submits);
    public const string Downloads = nameof(RateLimitOptions.Downloads);
    public const string Billing = nameof(RateLimitOptions.Billing);
    public const string Webhook = nameof(RateLimitOptions.Webhook);

    public static IServiceCollection AddPortalRateLimits(this IServiceCollection services)
    {
        services.AddOptions<RateLimitOptions>().BindConfiguration(RateLimitOptions.SectionName)
            .Validate(o => o.All().All(p => p.Limit.PermitLimit is > 0 and <= 10_000_000 && p.Limit.WindowSeconds is > 0 and <= 86_400),
                "Every RateLimits entry needs PermitLimit 1..10,000,000 and WindowSeconds 1..86,400.")
            .ValidateOnStart();
        services.AddSingleton<AccountRateLimiter>();
        services.AddRateLimiter(limiter =>
        {
            foreach (var policy in new[] { Uploads, Downloads, Billing, Webhook })
            {
                limiter.AddPolicy(policy, context =>
                {
                    var limit = context.RequestServices.GetRequiredService<IOptions<RateLimitOptions>>().Value.For(policy);
                    return RateLimitPartition.GetFixedWindowLimiter(PartitionKey(context), _ => AccountRateLimiter.Window(limit));
                });
            }

            limiter.RejectionStatusCode = StatusCodes.Status429TooManyRequests;
            limiter.OnRejected = RejectAsync;
        });
        return services;
    }

    /// <summary>The account when signed in, else the client address (behind a proxy: see forwarded headers in the README).</summary>
    public static string PartitionKey(HttpContext context) =>
        context.User.FindFirstValue(ClaimTypes.NameIdentifier) is { Length: > 0 } userId
            ? "user:" + userId
            : "ip:" + (context.Connection.RemoteIpAddress?.ToString() ?? "unknown");

    /// <summary>The sentence a person reads (the upload page shows it under the refused file).</summary>
    public static string Refusal(string policy, int seconds) => policy switch
    {
        Uploads => $"Too many uploads: try again in {Plural(seconds)}.",
        Submits => $"Too many submissions: try again in {Plural(seconds)}.",
        Downloads => $"Too many downloads: try again in {Plural(seconds)}.",
        Billing => $"Too many billing requests: try again in {Plural(seconds)}.",
        _ => $"Too many requests: try again in {Plural(seconds)}.",
    };

    private static string Plural(int seconds) => seconds == 1 ? "1 second" : $"{seconds} seconds";

    private static async ValueTask RejectAsync(OnRejectedContext rejected, CancellationToken cancellationToken)
    {
        var context = rejected.HttpContext;
        var seconds = rejected.Lease.TryGetMetadata(MetadataName.RetryAfter, out var retryAfter) ? Math.Max(1, (int)Math.Ceiling(retryAfter.TotalSeconds)) : 60;
        context.Response.Headers.RetryAfter = seconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
        var policy = context.GetEndpoint()?.Metadata.GetMetadata<EnableRateLimitingAttribute>()?.PolicyName;
        if (policy == AccountFormRateLimit.PolicyName)
        {
            context.Response.ContentType = "text/plain; charset=utf-8";
            await context.Response.WriteAsync("Too many attempts from your address. Please wait a minute and try again.", cancellationToken);
            return;
        }

        await Results.Problem(detail: Refusal(policy ?? "", seconds), statusCode: StatusCodes.Status429TooManyRequests, title: "Too many requests")
            .ExecuteAsync(context);
    }
}
