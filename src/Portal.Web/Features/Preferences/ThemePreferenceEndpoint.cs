using Microsoft.AspNetCore.Mvc;

namespace Portal.Web.Features.Preferences;

/// <summary>The theme switch for pages rendered without a live connection (the account pages): a plain form post.</summary>
public static class ThemePreferenceEndpoint
{
    public static IEndpointConventionBuilder MapThemePreferenceEndpoint(this IEndpointRouteBuilder endpoints) =>
        endpoints.MapPost("/preferences/theme", async (
            HttpContext context,
            [FromServices] IThemePreferenceStore preferences,
            [FromForm] bool dark,
            [FromForm] string? returnUrl) =>
        {
            ThemePreferences.WriteCookie(context.Response, dark);
            await preferences.SaveForUserAsync(context.User, dark);
            var target = string.IsNullOrEmpty(returnUrl) || !returnUrl.StartsWith('/') || returnUrl.StartsWith("//") ? "/" : returnUrl;
            return TypedResults.LocalRedirect(target);
        });
}
