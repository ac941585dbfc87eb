using System.Net;
using Portal.Tests.Infrastructure;

namespace Portal.Tests.Platform;

/// <summary>The models page renders the lineup for anyone, signed in or not, and pricing links to it.</summary>
public sealed class ModelsPageIsPublic(PortalFactory factory) : IClassFixture<PortalFactory>
{
    [Fact]
    public async Task Signed_out_visitors_see_the_lineup_per_content_and_the_plans()
    {
        var response = await factory.CreateClient().GetAsync("/models");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var page = WebUtility.HtmlDecode(await response.Content.ReadAsStringAsync());
        Assert.Contains("data-testid=\"lineup-photo\"", page, StringComparison.Ordinal);
        Assert.Contains("data-testid=\"lineup-art\"", page, StringComparison.Ordinal);
        Assert.Contains("data-testid=\"lineup-text\"", page, StringComparison.Ordinal);
        Assert.Contains("<code>text-x2</code>", page, StringComparison.Ordinal);
        Assert.Contains("compressed or noisy: <code>photo-x2</code>", page, StringComparison.Ordinal);
        Assert.Contains("<code>esrgan-thick-x4</code>", page, StringComparison.Ordinal);
        Assert.Contains("not offered", page, StringComparison.Ordinal);
        Assert.Contains("quantization tables", page, StringComparison.Ordinal);
        Assert.Contains("data-testid=\"models-plans\"", page, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Pricing_links_to_the_models_page()
    {
        var page = await factory.CreateClient().GetStringAsync("/pricing");

        Assert.Matches("href=\"models\"[^>]*data-testid=\"pricing-models-link\"|data-testid=\"pricing-models-link\"[^>]*href=\"models\"", page);
    }
}
