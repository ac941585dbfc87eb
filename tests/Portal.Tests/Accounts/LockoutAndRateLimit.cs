using System.Net;
using Portal.Tests.Infrastructure;

namespace Portal.Tests.Accounts;

public sealed class Lockout(PortalFactory factory) : IClassFixture<PortalFactory>
{
    [Fact]
    public async Task Repeated_wrong_passwords_lock_the_account_even_against_the_right_password()
    {
        var email = TestAccounts.NewEmail();
        await TestAccounts.CreateLoggedInAsync(factory, email);
        var client = TestAccounts.NewClient(factory);

        for (var attempt = 1; attempt < 5; attempt++)
        {
            var wrong = await TestAccounts.LogInAsync(client, email, "Wrong-Password-1");
            Assert.Contains("do not match an account", await wrong.Content.ReadAsStringAsync());
        }

        var fifth = await TestAccounts.LogInAsync(client, email, "Wrong-Password-1");
        Assert.Equal(HttpStatusCode.Redirect, fifth.StatusCode);
        Assert.Contains("Account/Lockout", fifth.Headers.Location!.ToString());

        var right = await TestAccounts.LogInAsync(client, email);
        Assert.Contains("Account/Lockout", right.Headers.Location!.ToString());
    }
}

public sealed class RateLimitFactory : PortalFactory
{
    public RateLimitFactory() => Settings["Security:AccountFormPostsPerMinute"] = "3";
}

public sealed class RateLimit(RateLimitFactory factory) : IClassFixture<RateLimitFactory>
{
    [Fact]
    public async Task Login_posts_beyond_the_limit_get_429_with_a_message_while_reading_the_page_stays_free()
    {
        var client = TestAccounts.NewClient(factory);
        for (var i = 0; i < 3; i++)
        {
            var allowed = await TestAccounts.LogInAsync(client, "nobody@example.test", "Wrong-Password-1");
            Assert.Equal(HttpStatusCode.OK, allowed.StatusCode);
        }

        var limited = await TestAccounts.LogInAsync(client, "nobody@example.test", "Wrong-Password-1");

        Assert.Equal(HttpStatusCode.TooManyRequests, limited.StatusCode);
        Assert.Contains("Too many attempts", await limited.Content.ReadAsStringAsync());
        Assert.True(limited.Headers.Contains("Retry-After"));
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/Account/Login")).StatusCode);
    }
}
