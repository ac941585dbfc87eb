using System.Collections.Concurrent;
using System.Threading.RateLimiting;
using Microsoft.Extensions.Options;

namespace Portal.Web.Features.Security;

/// <summary>
/// The rate limits for actions that happen inside the live circuit (no HTTP request to limit): one fixed window
/// per account and policy, configured by the same <c>RateLimits</c> section as the HTTP endpoints.
/// </summary>
public sealed class AccountRateLimiter(IOptions<RateLimitOptions> options) : IDisposable
{
    private readonly ConcurrentDictionary<string, PartitionedRateLimiter<string>> limiters = new();

    /// <summary>Takes one permit, or says how long to wait and why.</summary>
    public RateLimitDecision TryAcquire(string policy, string userId)
    {
        var limiter = limiters.GetOrAdd(policy, name =>
        {
            var limit = options.Value.For(name);
            return PartitionedRateLimiter.Create<string, string>(user => RateLimitPartition.GetFixedWindowLimiter(user, _ => Window(limit)));
        });
        using var lease = limiter.AttemptAcquire(userId);
        if (lease.IsAcquired)
        {
            return new RateLimitDecision(true, 0, null);
        }

        var seconds = lease.TryGetMetadata(MetadataName.RetryAfter, out var retryAfter) ? Math.Max(1, (int)Math.Ceiling(retryAfter.TotalSeconds)) : 60;
        return new RateLimitDecision(false, seconds, PortalRateLimits.Refusal(policy, seconds));
    }

    internal static FixedWindowRateLimiterOptions Window(RateLimit limit) => new()
    {
        PermitLimit = limit.PermitLimit,
        Window = TimeSpan.FromSeconds(limit.WindowSeconds),
        QueueLimit = 0,
    };

    public void Dispose()
    {
        foreach (var limiter in limiters.Values)
        {
            limiter.Dispose();
        }
    }
}

/// <summary>Whether an action may go ahead; when not, the seconds to wait and the sentence to show.</summary>
public sealed record RateLimitDecision(bool Allowed, int RetryAfterSeconds, string? Message);
