using System.Security.Claims;
using Microsoft.AspNetCore.Identity;
using Portal.Core.Accounts;

namespace Portal.Web.Features.Preferences;

/// <summary>
/// Light or dark: kept in a cookie for this browser and on the account, so it follows a person to any device
/// (the log-in page copies the account's choice into the cookie).
/// </summary>
public sealed class ThemePreferences(UserManager<PortalUser> users) : IThemePreferenceStore
{
    public const string CookieName = "portal-theme";

    public static bool IsDark(HttpContext context) => context.Request.Cookies[CookieName] == "dark";

    public static void WriteCookie(HttpResponse response, bool dark) =>
        response.Cookies.Append(CookieName, dark ? "dark" : "light", CookieOptions);

    /// <summary>The same cookie as <see cref="WriteCookie"/>, as a <c>document.cookie</c> string for interactive pages.</summary>
    public static string CookieString(bool dark) =>
        $"{CookieName}={(dark ? "dark" : "light")}; path=/; max-age={(int)TimeSpan.FromDays(365).TotalSeconds}; samesite=lax";

    public async Task SaveForUserAsync(ClaimsPrincipal principal, bool dark)
    {
        if (principal.Identity?.IsAuthenticated != true || await users.GetUserAsync(principal) is not { } user)
        {
            return;
        }

        user.PrefersDarkMode = dark;
        await users.UpdateAsync(user);
    }

    private static CookieOptions CookieOptions => new()
    {
        Path = "/",
        MaxAge = TimeSpan.FromDays(365),
        SameSite = SameSiteMode.Lax,
        IsEssential = true,
        HttpOnly = false,
    };
}
