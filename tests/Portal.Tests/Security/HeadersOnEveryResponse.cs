using System.Net;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Mvc.Testing;
using Portal.Tests.Infrastructure;

namespace Portal.Tests.Security;

/// <summary>Every family of response (pages, account pages, API, files, static files, webhook, 404) carries the security headers, from one owner.</summary>
public sealed partial class HeadersOnEveryResponse(PortalFactory factory) : IClassFixture<PortalFactory>
{
    [Theory]
    [InlineData("/", HttpStatusCode.OK)]
    [InlineData("/pricing", HttpStatusCode.OK)]
    [InlineData("/models", HttpStatusCode.OK)]
    [InlineData("/Account/Login", HttpStatusCode.OK)]
    [InlineData("/Account/Register", HttpStatusCode.OK)]
    [InlineData("/dashboard", HttpStatusCode.Redirect)]
    [InlineData("/css/portal.css", HttpStatusCode.OK)]
    [InlineData("/_framework/blazor.web.js", HttpStatusCode.OK)]
    [InlineData("/favicon.png", HttpStatusCode.OK)]
    [InlineData("/healthz", HttpStatusCode.OK)]
    [InlineData("/no-such-page", HttpStatusCode.NotFound)]
    [InlineData("/api/images/00000000-0000-0000-0000-000000000001", HttpStatusCode.Redirect)]
    public async Task Anonymous_responses_carry_the_headers(string path, HttpStatusCode status)
    {
        var client = factory.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false });

        var response = await client.GetAsync(path);

        Assert.Equal(status, response.StatusCode);
        AssertPageHeaders(response);
    }

    [Fact]
    public async Task Signed_in_pages_file_endpoints_uploads_and_the_webhook_carry_the_headers()
    {
        var client = await TestAccounts.CreateLoggedInAsync(factory);
        foreach (var page in new[] { "/dashboard", "/upload", "/jobs", "/gallery", "/billing", "/Account/Manage", "/jobs/00000000-0000-0000-0000-000000000001" })
        {
            var response = await client.GetAsync(page);
            Assert.True(response.StatusCode is HttpStatusCode.OK or HttpStatusCode.NotFound, $"{page}: {response.StatusCode}");
            AssertPageHeaders(response);
            await AssertOnlyNoncedInlineScriptsAsync(response);
        }

        var image = await Uploads.UploadFixtureAsync(client, "photo.png");
        var original = await client.GetAsync($"/api/images/{image.Id}");
        Assert.Equal(HttpStatusCode.OK, original.StatusCode);
        AssertCommonHeaders(original);
        Assert.StartsWith("sandbox", Single(original, "Content-Security-Policy"));

        foreach (var missing in new[] { "/api/images/00000000-0000-0000-0000-000000000001", "/api/jobs/00000000-0000-0000-0000-000000000001/result",
                     "/api/jobs/00000000-0000-0000-0000-000000000001/thumbnail", "/api/jobs/zip?ids=00000000-0000-0000-0000-000000000001" })
        {
            var response = await client.GetAsync(missing);
            Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
            AssertCommonHeaders(response);
        }

        var refused = await Uploads.PostAsync(client, [1, 2, 3], "x.png", token: null);
        Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
        AssertPageHeaders(refused);

        var webhook = await client.PostAsync("/api/stripe/webhook", new StringContent("{}"));
        Assert.Equal(HttpStatusCode.BadRequest, webhook.StatusCode);
        AssertPageHeaders(webhook);
    }

    [Theory]
    [InlineData("/")]
    [InlineData("/pricing")]
    [InlineData("/Account/Login")]
    public async Task Inline_scripts_carry_the_response_nonce_and_no_element_has_an_inline_handler(string path)
    {
        await AssertOnlyNoncedInlineScriptsAsync(await factory.CreateClient().GetAsync(path));
    }

    private static async Task AssertOnlyNoncedInlineScriptsAsync(HttpResponseMessage response)
    {
        var html = System.Net.WebUtility.HtmlDecode(await response.Content.ReadAsStringAsync());
        var nonce = NoncePattern().Match(Single(response, "Content-Security-Policy")).Groups["nonce"].Value;
        Assert.NotEmpty(nonce);

        var inline = ScriptTag().Matches(html).Select(m => m.Groups["attributes"].Value).Where(a => !a.Contains("src=", StringComparison.Ordinal)).ToList();
        Assert.NotEmpty(inline); // the import map
        Assert.All(inline, attributes => Assert.Contains($"nonce=\"{nonce}\"", attributes));
        Assert.DoesNotMatch(InlineHandler(), html);
        Assert.DoesNotContain("javascript:", html, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task Each_response_gets_its_own_nonce()
    {
        var client = factory.CreateClient();
        var first = Single(await client.GetAsync("/"), "Content-Security-Policy");
        var second = Single(await client.GetAsync("/"), "Content-Security-Policy");
        Assert.NotEqual(NoncePattern().Match(first).Value, NoncePattern().Match(second).Value);
    }

    [Fact]
    public async Task Outside_Production_there_is_no_HSTS_and_no_redirect_to_https()
    {
        var client = factory.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false, BaseAddress = new Uri("https://portal.example.test") });

        var response = await client.GetAsync("/");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.False(response.Headers.Contains("Strict-Transport-Security"));
    }

    internal static void AssertPageHeaders(HttpResponseMessage response)
    {
        AssertCommonHeaders(response);
        var csp = Single(response, "Content-Security-Policy");
        foreach (var directive in new[] { "default-src 'self'", "object-src 'none'", "base-uri 'self'", "frame-ancestors 'self'", "img-src 'self' data: blob:" })
        {
            Assert.Contains(directive, csp);
        }

        var script = csp.Split(';').Select(d => d.Trim()).Single(d => d.StartsWith("script-src ", StringComparison.Ordinal));
        Assert.DoesNotContain("'unsafe-inline'", script);
        Assert.DoesNotContain("'unsafe-eval'", script);
        Assert.Matches(@"connect-src 'self' ws://[^ ;]+ wss://", csp);
    }

    internal static void AssertCommonHeaders(HttpResponseMessage response)
    {
        var path = response.RequestMessage!.RequestUri!.PathAndQuery;
        Assert.True(Single(response, "X-Content-Type-Options") == "nosniff", path);
        Assert.Equal("strict-origin-when-cross-origin", Single(response, "Referrer-Policy"));
        Assert.Equal("SAMEORIGIN", Single(response, "X-Frame-Options"));
        var permissions = Single(response, "Permissions-Policy");
        Assert.Contains("camera=()", permissions);
        Assert.Contains("publickey-credentials-get=(self)", permissions);
        Assert.Contains("publickey-credentials-create=(self)", permissions);
    }

    /// <summary>Exactly one value: two owners writing the same header would show up here.</summary>
    internal static string Single(HttpResponseMessage response, string header)
    {
        var values = response.Headers.TryGetValues(header, out var general) ? general.ToList() : [];
        if (response.Content.Headers.TryGetValues(header, out var content))
        {
            values.AddRange(content);
        }

        Assert.True(values.Count == 1, $"{response.RequestMessage!.RequestUri!.PathAndQuery}: {header} appears {values.Count} times: {string.Join(" | ", values)}");
        return values[0];
    }

    [GeneratedRegex(@"'nonce-(?<nonce>[^']+)'")]
    private static partial Regex NoncePattern();

    [GeneratedRegex(@"<script\b(?<attributes>[^>]*)>", RegexOptions.IgnoreCase)]
    private static partial Regex ScriptTag();

    [GeneratedRegex(@"<[a-z][^>]*\son[a-z]+\s*=", RegexOptions.IgnoreCase)]
    private static partial Regex InlineHandler();
}
