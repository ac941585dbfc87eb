using Microsoft.AspNetCore.Identity;

namespace Portal.Core.Accounts;

/// <summary>A person with an account on the portal.</summary>
public class PortalUser : IdentityUser
{
    /// <summary>The colour scheme the person picked; null follows the default (light).</summary>
    [PersonalData]
    public bool? PrefersDarkMode { get; set; }

    [PersonalData]
    public DateTimeOffset CreatedAt { get; set; }
}
