using System.Net;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Portal.Core.Data;
using Portal.Tests.Infrastructure;

namespace Portal.Tests.Jobs;

public sealed class UploadEndpoint(PortalFactory factory) : IClassFixture<PortalFactory>
{
    [Fact]
    public async Task A_photo_is_stored_with_its_dimensions_read_from_the_header()
    {
        var client = await TestAccounts.CreateLoggedInAsync(factory);

        var image = await Uploads.UploadFixtureAsync(client, "photo.png");

        Assert.Equal((128, 96), (image.Width, image.Height));
        Assert.Equal("Png", image.Format);
        var original = await client.GetByteArrayAsync($"/api/images/{image.Id}");
        Assert.Equal(await File.ReadAllBytesAsync(Uploads.FixturePath("photo.png")), original);
    }

    [Theory]
    [InlineData("not-an-image.png", "not an image in a supported format")]
    [InlineData("empty.png", "The file is empty")]
    [InlineData("huge-dimensions.png", "30,000")]
    [InlineData("truncated.png", "damaged or incomplete")]
    [InlineData("truncated.jpg", "damaged or incomplete")]
    public async Task A_hostile_file_is_refused_with_a_reason_and_nothing_is_stored(string fixture, string expected)
    {
        var email = TestAccounts.NewEmail();
        var client = await TestAccounts.CreateLoggedInAsync(factory, email);

        var response = await Uploads.PostAsync(client, await File.ReadAllBytesAsync(Uploads.FixturePath(fixture)), fixture, await Uploads.TokenAsync(client));

        Assert.Equal(HttpStatusCode.UnprocessableEntity, response.StatusCode);
        using var problem = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        var detail = problem.RootElement.GetProperty("detail").GetString()!;
        Assert.StartsWith(fixture + ":", detail);
        Assert.Contains(expected, detail, StringComparison.OrdinalIgnoreCase);
        await AssertNothingStoredAsync(email);
    }

    [Fact]
    public async Task A_file_larger_than_the_plan_allows_is_refused_before_it_is_kept()
    {
        var email = TestAccounts.NewEmail();
        var client = await TestAccounts.CreateLoggedInAsync(factory, email);
        var tooLarge = new byte[11 * 1024 * 1024]; // the free plan accepts 10 MB
        File.ReadAllBytes(Uploads.FixturePath("photo.png")).CopyTo(tooLarge, 0);

        var response = await Uploads.PostAsync(client, tooLarge, "big.png", await Uploads.TokenAsync(client));

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
        Assert.Contains("larger than 10 MB", await response.Content.ReadAsStringAsync());
        await AssertNothingStoredAsync(email);
    }

    [Fact]
    public async Task An_upload_without_the_antiforgery_token_is_refused()
    {
        var email = TestAccounts.NewEmail();
        var client = await TestAccounts.CreateLoggedInAsync(factory, email);

        var response = await Uploads.PostAsync(client, await File.ReadAllBytesAsync(Uploads.FixturePath("photo.png")), "photo.png", token: null);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        await AssertNothingStoredAsync(email);
    }

    [Fact]
    public async Task An_anonymous_upload_is_refused()
    {
        var response = await Uploads.PostAsync(TestAccounts.NewClient(factory), [1, 2, 3], "photo.png", "token");

        Assert.NotEqual(HttpStatusCode.OK, response.StatusCode);
        Assert.NotEqual(HttpStatusCode.UnprocessableEntity, response.StatusCode);
    }

    private async Task AssertNothingStoredAsync(string email)
    {
        using var scope = factory.Services.CreateScope();
        var db = scope.ServiceProvider.GetRequiredService<PortalDbContext>();
        var userId = await db.Users.Where(u => u.Email == email).Select(u => u.Id).SingleAsync();
        Assert.False(await db.Images.AnyAsync(i => i.UserId == userId));
        var folder = Path.Combine(factory.DataPath, "users", Guid.Parse(userId).ToString("N"));
        Assert.True(!Directory.Exists(folder) || Directory.GetFiles(folder, "*", SearchOption.AllDirectories).Length == 0);
        var incoming = Path.Combine(factory.DataPath, "incoming");
        Assert.True(!Directory.Exists(incoming) || Directory.GetFiles(incoming).Length == 0);
    }
}
