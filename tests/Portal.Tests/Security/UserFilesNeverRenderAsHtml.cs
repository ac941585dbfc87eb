using System.Net;
using System.Text;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Portal.Core.Data;
using Portal.Tests.Infrastructure;

namespace Portal.Tests.Security;

/// <summary>User files come back as the type their bytes decoded as, never as a page, under a name that is safe in a header.</summary>
public sealed class UserFilesNeverRenderAsHtml(PortalFactory factory) : IClassFixture<PortalFactory>
{
    [Fact]
    public async Task A_png_that_also_parses_as_html_is_served_as_a_png_with_nosniff_a_sandbox_and_a_png_name()
    {
        var client = await TestAccounts.CreateLoggedInAsync(factory);
        var polyglot = PolyglotPng.Create();
        Assert.InRange(Encoding.Latin1.GetString(polyglot).IndexOf("<html>", StringComparison.Ordinal), 0, 255);

        // Claimed as an HTML page by name; the part's type is ignored as well (the server sniffs the bytes).
        var uploaded = await Uploads.PostAsync(client, polyglot, "invoice.html", await Uploads.TokenAsync(client));
        Assert.Equal(HttpStatusCode.OK, uploaded.StatusCode);
        var image = (await System.Net.Http.Json.HttpContentJsonExtensions.ReadFromJsonAsync<Portal.Web.Features.Uploads.UploadedImage>(uploaded.Content))!;
        Assert.Equal("Png", image.Format);

        foreach (var (query, disposition) in new[] { ("", "inline"), ("?download=true", "attachment") })
        {
            var response = await client.GetAsync($"/api/images/{image.Id}{query}");
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.Equal("image/png", response.Content.Headers.ContentType!.MediaType);
            Assert.Equal("nosniff", HeadersOnEveryResponse.Single(response, "X-Content-Type-Options"));
            var csp = HeadersOnEveryResponse.Single(response, "Content-Security-Policy");
            Assert.StartsWith("sandbox;", csp);
            Assert.Contains("default-src 'none'", csp);
            Assert.DoesNotContain("script-src", csp);
            var header = response.Content.Headers.ContentDisposition!;
            Assert.Equal(disposition, header.DispositionType);
            Assert.Equal("invoice.png", header.FileName!.Trim('"'));
            Assert.Equal("invoice.png", header.FileNameStar);
            Assert.Equal(polyglot, await response.Content.ReadAsByteArrayAsync());
        }
    }

    [Fact]
    public async Task A_stored_name_with_quotes_line_breaks_and_non_ascii_letters_becomes_a_safe_disposition()
    {
        var client = await TestAccounts.CreateLoggedInAsync(factory);
        var image = await Uploads.UploadFixtureAsync(client, "photo.png");
        // Whatever the upload let through, the download must not trust the stored name.
        using (var scope = factory.Services.CreateScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<PortalDbContext>();
            var row = await db.Images.SingleAsync(i => i.Id == image.Id);
            row.FileName = "Fête \"d'été\"\r\nSet-Cookie: x=1.html";
            await db.SaveChangesAsync();
        }

        var response = await client.GetAsync($"/api/images/{image.Id}?download=true");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.DoesNotContain(response.Headers.TryGetValues("Set-Cookie", out var cookies) ? cookies : [], c => c.StartsWith("x=", StringComparison.Ordinal));
        var raw = string.Join(" ", response.Content.Headers.GetValues("Content-Disposition"));
        Assert.DoesNotContain("\r", raw);
        Assert.DoesNotContain("\n", raw);
        Assert.True(raw.All(c => c < 128), raw);
        Assert.StartsWith("attachment;", raw);
        Assert.Contains("filename*=UTF-8''", raw);
        var header = response.Content.Headers.ContentDisposition!;
        Assert.StartsWith("Fête", header.FileNameStar);
        Assert.EndsWith(".png", header.FileNameStar);
    }
}
