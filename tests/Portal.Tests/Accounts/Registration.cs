using System.Net;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.DependencyInjection;
using Portal.Core.Accounts;
using Portal.Tests.Infrastructure;

namespace Portal.Tests.Accounts;

public sealed class Registration(PortalFactory factory) : IClassFixture<PortalFactory>
{
    [Fact]
    public async Task Register_writes_a_confirmation_email_and_the_link_confirms_the_account()
    {
        var email = TestAccounts.NewEmail();
        var client = TestAccounts.NewClient(factory);

        var response = await TestAccounts.RegisterAsync(client, email);

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Contains("RegisterConfirmation", response.Headers.Location!.ToString());
        Assert.False(await IsConfirmedAsync(email));

        var link = await factory.WaitForEmailLinkAsync(email, "ConfirmEmail");
        var page = await client.GetStringAsync(new Uri(link).PathAndQuery);

        Assert.Contains("Thank you for confirming", page);
        Assert.True(await IsConfirmedAsync(email));
    }

    [Fact]
    public async Task Logging_in_before_confirming_is_refused()
    {
        var email = TestAccounts.NewEmail();
        var client = TestAccounts.NewClient(factory);
        await TestAccounts.RegisterAsync(client, email);

        var response = await TestAccounts.LogInAsync(client, email);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains("do not match an account", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task A_second_account_with_the_same_email_is_refused_with_a_clear_message()
    {
        var email = TestAccounts.NewEmail();
        await TestAccounts.RegisterAsync(TestAccounts.NewClient(factory), email);

        var response = await TestAccounts.RegisterAsync(TestAccounts.NewClient(factory), email.ToUpperInvariant());
        var page = WebUtility.HtmlDecode(await response.Content.ReadAsStringAsync());

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains("already exists", page);
        using var scope = factory.Services.CreateScope();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<PortalUser>>();
        Assert.Single(users.Users.Where(u => u.NormalizedEmail == email.ToUpperInvariant()));
    }

    [Theory]
    [InlineData("short1!", "at least 8")]
    [InlineData("alllowercase", "non alphanumeric")]
    public async Task A_weak_password_is_refused_and_no_account_is_created(string password, string expected)
    {
        var email = TestAccounts.NewEmail();

        var response = await TestAccounts.RegisterAsync(TestAccounts.NewClient(factory), email, password);
        var page = WebUtility.HtmlDecode(await response.Content.ReadAsStringAsync());

        Assert.Contains(expected, page, StringComparison.OrdinalIgnoreCase);
        using var scope = factory.Services.CreateScope();
        Assert.Null(await scope.ServiceProvider.GetRequiredService<UserManager<PortalUser>>().FindByEmailAsync(email));
    }

    [Theory]
    [InlineData("not-base64-%%%")]
    [InlineData("Q2ZESjhGb3JnZWRUb2tlbg")]
    public async Task A_forged_confirmation_link_shows_an_error_and_confirms_nothing(string code)
    {
        var email = TestAccounts.NewEmail();
        var client = TestAccounts.NewClient(factory);
        await TestAccounts.RegisterAsync(client, email);
        var userId = await UserIdAsync(email);

        var response = await client.GetAsync($"/Account/ConfirmEmail?userId={userId}&code={Uri.EscapeDataString(code)}");
        var page = await response.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains("invalid or has expired", page);
        Assert.False(await IsConfirmedAsync(email));
    }

    [Fact]
    public async Task A_confirmation_link_for_an_unknown_user_reveals_nothing()
    {
        var response = await TestAccounts.NewClient(factory).GetAsync($"/Account/ConfirmEmail?userId={Guid.NewGuid()}&code=abc");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains("invalid or has expired", await response.Content.ReadAsStringAsync());
    }

    private async Task<bool> IsConfirmedAsync(string email)
    {
        using var scope = factory.Services.CreateScope();
        var user = await scope.ServiceProvider.GetRequiredService<UserManager<PortalUser>>().FindByEmailAsync(email);
        return user!.EmailConfirmed;
    }

    private async Task<string> UserIdAsync(string email)
    {
        using var scope = factory.Services.CreateScope();
        return (await scope.ServiceProvider.GetRequiredService<UserManager<PortalUser>>().FindByEmailAsync(email))!.Id;
    }
}
