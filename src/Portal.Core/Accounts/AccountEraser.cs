using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Logging;
using Portal.Core.Storage;

namespace Portal.Core.Accounts;

/// <summary>Deletes an account: its database rows (Identity cascades to logins, roles, tokens, passkeys) and its files.</summary>
public sealed partial class AccountEraser(UserManager<PortalUser> users, IFileStore store, ILogger<AccountEraser> logger)
{
    public async Task<IdentityResult> DeleteAsync(PortalUser user)
    {
        var userId = user.Id;
        var result = await users.DeleteAsync(user);
        if (!result.Succeeded)
        {
            return result;
        }

        // Files go after the rows: if this fails the account is already gone and a rerun finds nothing to keep.
        await store.DeleteUserAsync(userId);

        LogDeleted(userId);
        return result;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Account {UserId} deleted with its files")]
    private partial void LogDeleted(string userId);
}
