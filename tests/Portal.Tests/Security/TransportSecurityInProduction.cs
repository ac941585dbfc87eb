using System.Net;
using Microsoft.AspNetCore.Mvc.Testing;
using Portal.Tests.Billing;

namespace Portal.Tests.Security;

/// <summary>In Production: plain http is redirected to https, and https responses carry HSTS.</summary>
public sealed class TransportSecurityInProduction : IDisposable
{
    private readonly BillingFactory factory = new() { Environment = "Production" };

    public TransportSecurityInProduction() => factory.Settings["https_port"] = "443";

    [Fact]
    public async Task Http_is_redirected_to_https_and_https_answers_with_HSTS()
    {
        var http = factory.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false, BaseAddress = new Uri("http://portal.example.test") });
        var redirected = await http.GetAsync("/pricing");
        Assert.Equal(HttpStatusCode.TemporaryRedirect, redirected.StatusCode);
        Assert.Equal("https://portal.example.test/pricing", redirected.Headers.Location!.ToString());
        HeadersOnEveryResponse.AssertCommonHeaders(redirected);

        var https = factory.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false, BaseAddress = new Uri("https://portal.example.test") });
        var page = await https.GetAsync("/pricing");
        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        Assert.Contains("max-age=", HeadersOnEveryResponse.Single(page, "Strict-Transport-Security"));
        var csp = HeadersOnEveryResponse.Single(page, "Content-Security-Policy");
        Assert.Contains("connect-src 'self' wss://portal.example.test;", csp);
    }

    public void Dispose() => factory.Dispose();
}
