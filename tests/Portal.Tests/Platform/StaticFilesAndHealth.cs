using System.Net;
using System.Text.Json;
using System.Text.RegularExpressions;
using Portal.Tests.Infrastructure;

namespace Portal.Tests.Platform;

public sealed partial class StaticFilesAndHealth(PortalFactory factory) : IClassFixture<PortalFactory>
{
    private static string RepositoryRoot => RepositoryPaths.Root;

    [Fact]
    public async Task The_stylesheet_in_the_top_level_wwwroot_is_served_with_its_real_bytes()
    {
        var client = factory.CreateClient();
        var expected = await File.ReadAllBytesAsync(Path.Combine(RepositoryRoot, "wwwroot", "css", "portal.css"));

        var home = await client.GetStringAsync("/");
        var fingerprinted = StylesheetLink().Match(home);
        Assert.True(fingerprinted.Success, "The home page links a fingerprinted css/portal.*.css");

        Assert.Equal(expected, await client.GetByteArrayAsync(fingerprinted.Groups["href"].Value));
        Assert.Equal(expected, await client.GetByteArrayAsync("/css/portal.css"));
        Assert.True(expected.Length > 1000);
    }

    [Fact]
    public async Task Healthz_reports_the_database_and_the_models()
    {
        var response = await factory.CreateClient().GetAsync("/healthz");
        using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync());

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("Healthy", json.RootElement.GetProperty("status").GetString());
        Assert.Equal("Healthy", json.RootElement.GetProperty("checks").GetProperty("database").GetProperty("status").GetString());
        Assert.Equal("Healthy", json.RootElement.GetProperty("checks").GetProperty("models").GetProperty("status").GetString());
    }

    [Fact]
    public async Task The_landing_page_explains_the_product_and_lists_every_tier()
    {
        var page = await factory.CreateClient().GetStringAsync("/");

        Assert.Contains("super-resolution", page);
        Assert.Contains("data-testid=\"tier-free\"", page);
        Assert.Contains("data-testid=\"tier-pro\"", page);
        Assert.Contains("data-testid=\"tier-studio\"", page);
    }

    [Fact]
    public async Task The_pricing_page_explains_which_networks_each_level_runs_from_the_manifest()
    {
        var page = System.Net.WebUtility.HtmlDecode(await factory.CreateClient().GetStringAsync("/pricing"));

        Assert.Contains("data-testid=\"model-lineup\"", page);
        Assert.Contains("realesr-animevideov3-x2", page);
        Assert.Contains("esrgan-legacy-psnr-small-x2", page);
        Assert.Contains("not offered: no network beat a plain Lanczos resize", page);
    }

    [Fact]
    public async Task The_dashboard_requires_a_login()
    {
        var response = await TestAccounts.NewClient(factory).GetAsync("/dashboard");

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Contains("Account/Login", response.Headers.Location!.ToString());
    }

    [GeneratedRegex(@"href=""(?<href>css/portal\.[a-z0-9]+\.css)""")]
    private static partial Regex StylesheetLink();
}
