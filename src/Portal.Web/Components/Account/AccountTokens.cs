using System.Text;
using Microsoft.AspNetCore.WebUtilities;

namespace Portal.Web.Components.Account;

/// <summary>Confirmation and reset tokens travel base64url-encoded in links; a mangled or forged link must not crash the page.</summary>
internal static class AccountTokens
{
    public static bool TryDecode(string? code, out string token)
    {
        token = "";
        if (string.IsNullOrEmpty(code))
        {
            return false;
        }

        try
        {
            token = Encoding.UTF8.GetString(WebEncoders.Base64UrlDecode(code));
            return true;
        }
        catch (FormatException)
        {
            return false;
        }
    }
}
