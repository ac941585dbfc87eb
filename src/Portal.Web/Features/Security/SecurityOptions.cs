using System.ComponentModel.DataAnnotations;

namespace Portal.Web.Features.Security;

/// <summary>Configuration section <c>Security</c>: lockout and rate limits on the account forms.</summary>
public sealed class SecurityOptions
{
    public const string SectionName = "Security";

    /// <summary>Failed log-ins in a row before the account is locked.</summary>
    [Range(1, 100)]
    public int MaxFailedLogins { get; set; } = 5;

    [Range(1, 1440)]
    public int LockoutMinutes { get; set; } = 15;

    /// <summary>Form posts to log-in, registration and recovery pages allowed per client address per minute.</summary>
    [Range(1, 100_000)]
    public int AccountFormPostsPerMinute { get; set; } = 20;
}
