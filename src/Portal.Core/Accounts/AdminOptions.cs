namespace Portal.Core.Accounts;

/// <summary>Configuration section <c>Admin</c>: who gets the Admin role.</summary>
public sealed class AdminOptions
{
    public const string SectionName = "Admin";

    public const string RoleName = "Admin";

    /// <summary>E-mail addresses of accounts that are given the Admin role (at start-up and when they register).</summary>
    public List<string> Emails { get; set; } = [];
}
