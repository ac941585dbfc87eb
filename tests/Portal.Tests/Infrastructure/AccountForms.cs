using System.Net;
using System.Text.RegularExpressions;

namespace Portal.Tests.Infrastructure;

/// <summary>
/// Fills and posts the server-rendered account forms the way a browser without JavaScript would:
/// read the page, keep its hidden fields (antiforgery token, form handler), add the typed values, post.
/// </summary>
public static partial class AccountForms
{
    public static async Task<HttpResponseMessage> SubmitAsync(HttpClient client, string path, IDictionary<string, string> fields, string? handler = null)
    {
        var page = await client.GetStringAsync(path);
        // Skip the layout's own small forms (theme switch, log out); take the page's form, or the one named by its handler.
        var form = FormPattern().Matches(page)
            .Select(m => m.Value)
            .Where(f => !f.Contains("action=\"preferences/theme\"", StringComparison.Ordinal) && !f.Contains("action=\"Account/Logout\"", StringComparison.Ordinal))
            .FirstOrDefault(f => handler is null || f.Contains($"value=\"{handler}\"", StringComparison.Ordinal))
            ?? throw new InvalidOperationException($"No form{(handler is null ? "" : $" '{handler}'")} on {path}.");

        var values = new Dictionary<string, string>();
        foreach (Match hidden in HiddenPattern().Matches(form))
        {
            values[WebUtility.HtmlDecode(hidden.Groups["name"].Value)] = WebUtility.HtmlDecode(hidden.Groups["value"].Value);
        }

        foreach (var (key, value) in fields)
        {
            values[key] = value;
        }

        var action = ActionPattern().Match(form) is { Success: true } a && a.Groups["action"].Value.Length > 0
            ? WebUtility.HtmlDecode(a.Groups["action"].Value)
            : path;
        return await client.PostAsync(action, new FormUrlEncodedContent(values));
    }

    [GeneratedRegex(@"<form\b.*?</form>", RegexOptions.Singleline)]
    private static partial Regex FormPattern();

    [GeneratedRegex(@"<input\b(?=[^>]*type=""hidden"")(?=[^>]*name=""(?<name>[^""]+)"")(?=[^>]*value=""(?<value>[^""]*)"")[^>]*>")]
    private static partial Regex HiddenPattern();

    [GeneratedRegex(@"<form\b[^>]*action=""(?<action>[^""]*)""")]
    private static partial Regex ActionPattern();
}
