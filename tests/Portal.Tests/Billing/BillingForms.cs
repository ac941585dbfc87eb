using System.Net;
using System.Text.RegularExpressions;

namespace Portal.Tests.Billing;

/// <summary>Posts one of a page's server-rendered forms (picked by a piece of its markup) as a browser would.</summary>
public static partial class BillingForms
{
    public static async Task<HttpResponseMessage> SubmitAsync(HttpClient client, string path, string formContains, IDictionary<string, string>? fields = null)
    {
        var page = await client.GetStringAsync(path);
        var form = FormPattern().Matches(page).Select(m => m.Value).FirstOrDefault(f => f.Contains(formContains, StringComparison.Ordinal))
            ?? throw new InvalidOperationException($"No form with '{formContains}' on {path}.");
        var values = HiddenPattern().Matches(form).ToDictionary(
            m => WebUtility.HtmlDecode(m.Groups["name"].Value), m => WebUtility.HtmlDecode(m.Groups["value"].Value));
        foreach (var (key, value) in fields ?? new Dictionary<string, string>())
        {
            values[key] = value;
        }

        var action = WebUtility.HtmlDecode(ActionPattern().Match(form).Groups["action"].Value);
        return await client.PostAsync("/" + action.TrimStart('/'), new FormUrlEncodedContent(values));
    }

    /// <summary>The text of the element with this data-testid.</summary>
    public static string TestId(string html, string testId) =>
        WebUtility.HtmlDecode(Regex.Match(html, $@"data-testid=""{Regex.Escape(testId)}""[^>]*>(?<text>[^<]*)<").Groups["text"].Value.Trim());

    [GeneratedRegex(@"<form\b.*?</form>", RegexOptions.Singleline)]
    private static partial Regex FormPattern();

    [GeneratedRegex(@"<input\b(?=[^>]*type=""hidden"")(?=[^>]*name=""(?<name>[^""]+)"")(?=[^>]*value=""(?<value>[^""]*)"")[^>]*>")]
    private static partial Regex HiddenPattern();

    [GeneratedRegex(@"<form\b[^>]*action=""(?<action>[^""]*)""")]
    private static partial Regex ActionPattern();
}
