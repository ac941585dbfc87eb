using System.Security.Claims;

namespace Portal.Web.Features.Preferences;

/// <summary>Saves a person's colour scheme on their account.</summary>
public interface IThemePreferenceStore
{
    Task SaveForUserAsync(ClaimsPrincipal principal, bool dark);
}
