using System.Net;
using Portal.Tests.Infrastructure;

namespace Portal.Tests.Accounts;

public sealed class PasswordReset(PortalFactory factory) : IClassFixture<PortalFactory>
{
    [Fact]
    public async Task The_emailed_reset_link_sets_a_new_password()
    {
        var email = TestAccounts.NewEmail();
        await TestAccounts.CreateLoggedInAsync(factory, email);
        var client = TestAccounts.NewClient(factory);

        await AccountForms.SubmitAsync(client, "/Account/ForgotPassword", new Dictionary<string, string> { ["Input.Email"] = email });
        var link = await factory.WaitForEmailLinkAsync(email, "ResetPassword");
        var reset = await AccountForms.SubmitAsync(client, new Uri(link).PathAndQuery, new Dictionary<string, string>
        {
            ["Input.Email"] = email,
            ["Input.Password"] = "Brand-New-Pass-7",
            ["Input.ConfirmPassword"] = "Brand-New-Pass-7",
        });

        Assert.Equal(HttpStatusCode.Redirect, reset.StatusCode);
        Assert.Contains("ResetPasswordConfirmation", reset.Headers.Location!.ToString());
        Assert.Equal(HttpStatusCode.Redirect, (await TestAccounts.LogInAsync(TestAccounts.NewClient(factory), email, "Brand-New-Pass-7")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await TestAccounts.LogInAsync(TestAccounts.NewClient(factory), email)).StatusCode);
    }

    [Fact]
    public async Task A_forged_reset_token_is_refused_and_the_password_is_unchanged()
    {
        var email = TestAccounts.NewEmail();
        await TestAccounts.CreateLoggedInAsync(factory, email);
        var client = TestAccounts.NewClient(factory);

        var forged = Convert.ToBase64String("forged-token"u8.ToArray()).TrimEnd('=');
        var response = await AccountForms.SubmitAsync(client, $"/Account/ResetPassword?code={forged}", new Dictionary<string, string>
        {
            ["Input.Email"] = email,
            ["Input.Password"] = "Hijacked-Pass-9",
            ["Input.ConfirmPassword"] = "Hijacked-Pass-9",
        });

        Assert.Contains("invalid or has expired", WebUtility.HtmlDecode(await response.Content.ReadAsStringAsync()));
        Assert.Equal(HttpStatusCode.Redirect, (await TestAccounts.LogInAsync(TestAccounts.NewClient(factory), email)).StatusCode);
    }

    [Fact]
    public async Task A_malformed_reset_link_goes_to_the_invalid_link_page()
    {
        var response = await TestAccounts.NewClient(factory).GetAsync("/Account/ResetPassword?code=%25%25%25");

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Contains("InvalidPasswordReset", response.Headers.Location!.ToString());
    }
}
