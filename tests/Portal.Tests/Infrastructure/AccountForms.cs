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
        // Skip the layout's own small forms (theme switch, log out); take the page's form, or the one named by its handler.
        return await SubmitFormAsync(
            client,
            path,
            f => !f.Contains("action=\"preferences/theme\"", StringComparison.Ordinal) && !f.Contains("action=\"Account/Logout\"", StringComparison.Ordinal)
                && (handler is null || f.Contains($"value=\"{handler}\"", StringComparison.Ordinal)),
            handler is null ? "" : $" '{handler}'",
            fields);
    }

    /// <summary>Reads the page, takes the first form <paramref name="isTheForm"/> accepts, keeps its hidden fields, adds <paramref name="fields"/> and posts it.</summary>
    public static async Task<HttpResponseMessage> SubmitFormAsync(
        HttpClient client, string path, Func<string, bool> isTheForm, string description, IDictionary<string, string>? fields)
    {
        var page = await client.GetStringAsync(path);
        var form = FormPattern().Matches(page).Select(m => m.Value).FirstOrDefault(isTheForm)
            ?? throw new InvalidOperationException($"No form{description} on {path}.");

        var values = new Dictionary<string, string>();
        foreach (Match hidden in HiddenPattern().Matches(form))
        {
            values[WebUtility.HtmlDecode(hidden.Groups["name"].Value)] = WebUtility.HtmlDecode(hidden.Groups["value"].Value);
        }

        foreach (var (key, value) in fields ?? new Dictionary<string, string>())
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
