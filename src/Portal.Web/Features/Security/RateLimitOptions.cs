namespace Portal.Web.Features.Security;

/// <summary>
/// Configuration section <c>RateLimits</c>: how many requests of each kind one account (or, signed out, one
/// client address) may make per window, e.g. <c>RateLimits:Uploads:PermitLimit</c> and <c>RateLimits:Uploads:WindowSeconds</c>.
/// </summary>
public sealed class RateLimitOptions
{
    public const string SectionName = "RateLimits";

    /// <summary>Files sent to <c>POST /api/uploads</c> (one file per request).</summary>
    public RateLimit Uploads { get; set; } = new() { PermitLimit = 120, WindowSeconds = 60 };

    /// <summary>Batches submitted from the upload page (each reserves credits and queues jobs).</summary>
    public RateLimit Submits { get; set; } = new() { PermitLimit = 10, WindowSeconds = 60 };

    /// <summary>Originals, results, thumbnails and ZIPs (a gallery page shows one thumbnail per job).</summary>
    public RateLimit Downloads { get; set; } = new() { PermitLimit = 600, WindowSeconds = 60 };

    /// <summary>Checkout, subscription management and test checkout form posts.</summary>
    public RateLimit Billing { get; set; } = new() { PermitLimit = 20, WindowSeconds = 60 };

    /// <summary>The Stripe webhook, per sending address (Stripe retries a refused event later).</summary>
    public RateLimit Webhook { get; set; } = new() { PermitLimit = 300, WindowSeconds = 60 };

    public IEnumerable<(string Name, RateLimit Limit)> All() =>
        [(nameof(Uploads), Uploads), (nameof(Submits), Submits), (nameof(Downloads), Downloads), (nameof(Billing), Billing), (nameof(Webhook), Webhook)];

    public RateLimit For(string policy) => All().Single(p => p.Name == policy).Limit;
}

/// <summary>A fixed window: <see cref="PermitLimit"/> requests per <see cref="WindowSeconds"/>.</summary>
public sealed class RateLimit
{
    public int PermitLimit { get; set; }

    public int WindowSeconds { get; set; }
}
