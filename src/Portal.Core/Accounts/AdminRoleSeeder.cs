using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Portal.Core.Accounts;

/// <summary>Creates the Admin role and gives it to the configured accounts.</summary>
public sealed partial class AdminRoleSeeder(
    RoleManager<IdentityRole> roles,
    UserManager<PortalUser> users,
    IOptions<AdminOptions> options,
    ILogger<AdminRoleSeeder> logger)
{
    public async Task SeedAsync()
    {
        if (!await roles.RoleExistsAsync(AdminOptions.RoleName))
        {
            await roles.CreateAsync(new IdentityRole(AdminOptions.RoleName));
        }

        foreach (var email in options.Value.Emails)
        {
            var user = await users.FindByEmailAsync(email);
            if (user is not null)
            {
                await GrantIfConfiguredAsync(user);
            }
        }
    }

    /// <summary>Gives the Admin role to this account when its address is configured as an admin.</summary>
    public async Task GrantIfConfiguredAsync(PortalUser user)
    {
        if (user.Email is null
            || !options.Value.Emails.Contains(user.Email, StringComparer.OrdinalIgnoreCase)
            || await users.IsInRoleAsync(user, AdminOptions.RoleName))
        {
            return;
        }

        await users.AddToRoleAsync(user, AdminOptions.RoleName);
        LogGranted(user.Id);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Admin role granted to user {UserId} from configuration")]
    private partial void LogGranted(string userId);
}
