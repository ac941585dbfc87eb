using System.Text.Json;
using Microsoft.Playwright;
using Portal.E2E.Infrastructure;
using Portal.Tests.Infrastructure;

namespace Portal.E2E;

/// <summary>
/// The policy is enforced in the browser (not report-only), the violation watcher that every browser test
/// runs under sees a violation, and a polyglot upload opened in the browser is an image, not a page.
/// </summary>
[Collection(PortalCollection.Name)]
public sealed class ContentSecurityPolicy(PortalServer server)
{
    [Fact]
    public async Task An_injected_inline_script_and_handler_are_blocked_and_reported()
    {
        var page = await server.NewPageAsync();
        var response = await page.OpenAsync("/");
        var headers = await response!.AllHeadersAsync();
        Assert.Contains("script-src 'self' 'nonce-", headers["content-security-policy"]);
        Assert.False(headers.ContainsKey("content-security-policy-report-only"));

        await page.EvaluateAsync("""
            () => {
              const script = document.createElement('script');
              script.textContent = 'window.injected = true';
              document.head.appendChild(script);
              const button = document.createElement('button');
              button.setAttribute('onclick', 'window.clicked = true');
              document.body.appendChild(button);
              button.click();
            }
            """);

        var violations = await WaitForViolationsAsync(2);
        Assert.False(await page.EvaluateAsync<bool>("() => window.injected === true"));
        Assert.False(await page.EvaluateAsync<bool>("() => window.clicked === true"));
        Assert.Contains(violations, v => v.Contains("script-src", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_polyglot_upload_opened_in_the_browser_is_an_image_and_runs_nothing()
    {
        var email = AccountSteps.NewEmail();
        var page = await AccountSteps.NewConfirmedUserAsync(server, email);
        await AccountSteps.LogInAsync(page, email);
        var token = await page.Locator("input[name=__RequestVerificationToken]").First.GetAttributeAsync("value");

        var upload = await page.Context.APIRequest.PostAsync("/api/uploads", new APIRequestContextOptions
        {
            Headers = new Dictionary<string, string> { ["RequestVerificationToken"] = token! },
            Multipart = page.Context.APIRequest.CreateFormData().Set("file", new FilePayload
            {
                Name = "invoice.html",
                MimeType = "text/html",
                Buffer = PolyglotPng.Create(),
            }),
        });
        Assert.True(upload.Ok, await upload.TextAsync());
        var id = JsonDocument.Parse(await upload.TextAsync()).RootElement.GetProperty("id").GetString();

        var opened = await page.GotoAsync($"/api/images/{id}");
        Assert.Equal("image/png", (await opened!.AllHeadersAsync())["content-type"]);
        Assert.Equal("image/png", await page.EvaluateAsync<string>("() => document.contentType"));
        Assert.NotEqual("owned", await page.TitleAsync());
        Assert.False(await page.EvaluateAsync<bool>("() => window.polyglotRan === true"));
        Assert.Equal(0, await page.Locator("script").CountAsync());
    }

    /// <summary>Takes the violations this test caused out of the watcher (so the test itself does not fail on them).</summary>
    /// <summary>
    /// Waits for the reports, then until none has come for half a second: Chromium reports a violation twice
    /// (the page's event and its own console error), and a report that arrived after this test looked would
    /// fail it through the watcher that every test runs under.
    /// </summary>
    private static async Task<IReadOnlyList<string>> WaitForViolationsAsync(int atLeast)
    {
        var seen = new List<string>();
        var quiet = 0;
        for (var i = 0; i < 100 && (seen.Count < atLeast || quiet < 5); i++)
        {
            await Task.Delay(100);
            var drained = CspViolations.Drain();
            seen.AddRange(drained);
            quiet = drained.Count == 0 ? quiet + 1 : 0;
        }

        Assert.True(seen.Count >= atLeast, $"Expected {atLeast} reported violations, saw: {string.Join(" | ", seen)}");
        return seen;
    }
}
