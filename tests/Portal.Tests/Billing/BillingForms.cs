using System.Net;
using System.Text.RegularExpressions;
using Portal.Tests.Infrastructure;

namespace Portal.Tests.Billing;

/// <summary>Posts one of a page's server-rendered forms (picked by a piece of its markup) as a browser would.</summary>
public static class BillingForms
{
    public static Task<HttpResponseMessage> SubmitAsync(HttpClient client, string path, string formContains, IDictionary<string, string>? fields = null) =>
        AccountForms.SubmitFormAsync(client, path, f => f.Contains(formContains, StringComparison.Ordinal), $" with '{formContains}'", fields);

    /// <summary>The text of the element with this data-testid.</summary>
    public static string TestId(string html, string testId) =>
        WebUtility.HtmlDecode(Regex.Match(html, $@"data-testid=""{Regex.Escape(testId)}""[^>]*>(?<text>[^<]*)<").Groups["text"].Value.Trim());
}
