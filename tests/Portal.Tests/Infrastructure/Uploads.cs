using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.RegularExpressions;
using Portal.Web.Features.Uploads;

namespace Portal.Tests.Infrastructure;

/// <summary>Uploads files the way the upload page does: multipart, antiforgery token in the header.</summary>
public static partial class Uploads
{
    public static string FixturePath(string name) => RepositoryPaths.Fixture(name);

    /// <summary>The antiforgery token of the signed-in user, read from a page's log-out form.</summary>
    public static async Task<string> TokenAsync(HttpClient client)
    {
        var page = await client.GetStringAsync("/dashboard");
        return WebUtility.HtmlDecode(TokenPattern().Match(page).Groups["token"].Value);
    }

    public static async Task<HttpResponseMessage> PostAsync(HttpClient client, byte[] content, string fileName, string? token)
    {
        using var form = new MultipartFormDataContent();
        var file = new ByteArrayContent(content);
        file.Headers.ContentType = new MediaTypeHeaderValue("application/octet-stream");
        form.Add(file, "file", fileName);
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/uploads") { Content = form };
        if (token is not null)
        {
            request.Headers.Add("RequestVerificationToken", token);
        }

        return await client.SendAsync(request);
    }

    public static async Task<UploadedImage> UploadFixtureAsync(HttpClient client, string fixture)
    {
        var response = await PostAsync(client, await File.ReadAllBytesAsync(FixturePath(fixture)), fixture, await TokenAsync(client));
        Assert.True(response.IsSuccessStatusCode, await response.Content.ReadAsStringAsync());
        return (await response.Content.ReadFromJsonAsync<UploadedImage>())!;
    }

    [GeneratedRegex(@"name=""__RequestVerificationToken"" value=""(?<token>[^""]+)""")]
    private static partial Regex TokenPattern();
}
