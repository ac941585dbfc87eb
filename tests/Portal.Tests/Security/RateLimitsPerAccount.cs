using System.Net;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Portal.Core.Billing;
using Portal.Core.Data;
using Portal.Core.Jobs;
using Portal.Models;
using Portal.Tests.Billing;
using Portal.Tests.Infrastructure;
using Portal.Web.Features.Security;

namespace Portal.Tests.Security;

/// <summary>Tight limits, so a short burst crosses them; every other test runs with generous ones (PortalFactory).</summary>
public sealed class TightRateLimitFactory : BillingFactory
{
    public TightRateLimitFactory()
    {
        // An hour's window: nothing refills during a test.
        foreach (var (policy, permits) in new[] { ("Uploads", 3), ("Submits", 1), ("Downloads", 6), ("Billing", 2), ("Webhook", 2) })
        {
            Settings[$"RateLimits:{policy}:PermitLimit"] = permits.ToString(System.Globalization.CultureInfo.InvariantCulture);
            Settings[$"RateLimits:{policy}:WindowSeconds"] = "3600";
        }
    }
}

public sealed class RateLimitsPerAccount(TightRateLimitFactory factory) : IClassFixture<TightRateLimitFactory>
{
    [Fact]
    public async Task An_upload_burst_past_the_limit_gets_429_with_Retry_After_and_loses_nothing()
    {
        var email = TestAccounts.NewEmail();
        var client = await TestAccounts.CreateLoggedInAsync(factory, email);
        var token = await Uploads.TokenAsync(client);
        var photo = await File.ReadAllBytesAsync(Uploads.FixturePath("photo.png"));
        var balance = await BalanceAsync(email);

        var accepted = new List<Guid>();
        for (var i = 0; i < 3; i++)
        {
            accepted.Add((await Uploads.UploadFixtureAsync(client, "photo.png")).Id);
        }

        for (var i = 0; i < 2; i++)
        {
            var refused = await Uploads.PostAsync(client, photo, "burst.png", token);
            Assert.Equal(HttpStatusCode.TooManyRequests, refused.StatusCode);
            var retryAfter = int.Parse(refused.Headers.GetValues("Retry-After").Single(), System.Globalization.CultureInfo.InvariantCulture);
            Assert.InRange(retryAfter, 1, 3600);
            using var problem = JsonDocument.Parse(await refused.Content.ReadAsStringAsync());
            Assert.Equal($"Too many uploads: try again in {retryAfter} seconds.", problem.RootElement.GetProperty("detail").GetString());
            HeadersOnEveryResponse.AssertPageHeaders(refused);
        }

        // The earlier uploads are intact, the refused ones left no row, and nothing was charged.
        foreach (var id in accepted)
        {
            Assert.Equal(photo, await client.GetByteArrayAsync($"/api/images/{id}"));
        }

        using (var scope = factory.Services.CreateScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<PortalDbContext>();
            var userId = await UserIdAsync(db, email);
            Assert.Equal(accepted.Order(), (await db.Images.Where(i => i.UserId == userId).Select(i => i.Id).ToListAsync()).Order());
        }

        Assert.Equal(balance, await BalanceAsync(email));

        // The limit is per account: another account uploads at once.
        var other = await TestAccounts.CreateLoggedInAsync(factory);
        await Uploads.UploadFixtureAsync(other, "photo.png");
    }

    [Fact]
    public async Task A_second_submit_past_the_limit_is_refused_with_a_sentence_and_charges_nothing()
    {
        var email = TestAccounts.NewEmail();
        var client = await TestAccounts.CreateLoggedInAsync(factory, email);
        var first = await Uploads.UploadFixtureAsync(client, "photo.png");
        var second = await Uploads.UploadFixtureAsync(client, "photo.png");
        await using var scope = factory.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<PortalDbContext>();
        var userId = await UserIdAsync(db, email);
        var submissions = scope.ServiceProvider.GetRequiredService<LimitedJobSubmissions>();

        var submitted = await submissions.SubmitAsync(userId, Guid.CreateVersion7(), [new JobRequest(first.Id, ContentType.Art, QualityLevel.Fast, 2)]);
        Assert.True(submitted.Succeeded, submitted.Error);
        var balance = await BalanceAsync(email);

        var refused = await submissions.SubmitAsync(userId, Guid.CreateVersion7(), [new JobRequest(second.Id, ContentType.Art, QualityLevel.Fast, 2)]);

        Assert.False(refused.Succeeded);
        Assert.Matches(@"^Too many submissions: try again in \d+ seconds\.$", refused.Error);
        Assert.Equal(balance, refused.BalanceAfter);
        Assert.Equal(balance, await BalanceAsync(email));
        Assert.Equal(1, await db.Jobs.CountAsync(j => j.UserId == userId));
        Assert.Equal(2, await db.Images.CountAsync(i => i.UserId == userId)); // the uploads wait for the next try
    }

    [Fact]
    public async Task Downloads_billing_posts_and_the_webhook_are_limited_too()
    {
        var client = await TestAccounts.CreateLoggedInAsync(factory);
        var image = await Uploads.UploadFixtureAsync(client, "photo.png");
        for (var i = 0; i < 6; i++)
        {
            Assert.Equal(HttpStatusCode.OK, (await client.GetAsync($"/api/images/{image.Id}")).StatusCode);
        }

        var download = await client.GetAsync($"/api/images/{image.Id}?download=true");
        Assert.Equal(HttpStatusCode.TooManyRequests, download.StatusCode);
        Assert.True(download.Headers.Contains("Retry-After"));
        Assert.Contains("Too many downloads", await download.Content.ReadAsStringAsync());

        var token = await Uploads.TokenAsync(client);
        async Task<HttpStatusCode> ManageAsync() =>
            (await client.PostAsync("/billing/manage", new FormUrlEncodedContent(new Dictionary<string, string> { ["__RequestVerificationToken"] = token }))).StatusCode;
        Assert.NotEqual(HttpStatusCode.TooManyRequests, await ManageAsync());
        Assert.NotEqual(HttpStatusCode.TooManyRequests, await ManageAsync());
        Assert.Equal(HttpStatusCode.TooManyRequests, await ManageAsync());

        var anonymous = factory.CreateClient();
        for (var i = 0; i < 2; i++)
        {
            Assert.Equal(HttpStatusCode.BadRequest, (await anonymous.PostAsync("/api/stripe/webhook", new StringContent("{}"))).StatusCode);
        }

        var webhook = await anonymous.PostAsync("/api/stripe/webhook", new StringContent("{}"));
        Assert.Equal(HttpStatusCode.TooManyRequests, webhook.StatusCode);
        Assert.True(webhook.Headers.Contains("Retry-After"));
    }

    private static async Task<string> UserIdAsync(PortalDbContext db, string email) =>
        await db.Users.Where(u => u.Email == email).Select(u => u.Id).SingleAsync();

    private async Task<int> BalanceAsync(string email)
    {
        await using var scope = factory.Services.CreateAsyncScope();
        var userId = await UserIdAsync(scope.ServiceProvider.GetRequiredService<PortalDbContext>(), email);
        return (await scope.ServiceProvider.GetRequiredService<CreditLedger>().GetAccountAsync(userId)).Total;
    }
}
