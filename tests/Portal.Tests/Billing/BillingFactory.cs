using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Portal.Core.Accounts;
using Portal.Tests.Infrastructure;
using Portal.Web.Features.Billing;

namespace Portal.Tests.Billing;

/// <summary>
/// The portal for billing tests: no job worker, a known webhook secret, and the local checkout's "post to
/// myself" client wired to the in-memory server (there is no socket to post to).
/// </summary>
public class BillingFactory : PortalFactory
{
    public const string WebhookSecret = "whsec_test_portal_billing_0123456789";

    public BillingFactory()
    {
        Settings["Jobs:RunWorker"] = "false";
        Settings["Stripe:WebhookSecret"] = WebhookSecret;
    }

    public string Environment { get; set; } = "Development";

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        base.ConfigureWebHost(builder);
        builder.UseEnvironment(Environment);
        builder.ConfigureTestServices(services =>
            services.AddHttpClient(LocalCheckout.SelfClient).ConfigurePrimaryHttpMessageHandler(() => Server.CreateHandler()));
    }

    /// <summary>A confirmed user made directly through Identity: quicker than the pages when no browser session is needed.</summary>
    public async Task<string> CreateUserAsync(string? email = null)
    {
        using var scope = Services.CreateScope();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<PortalUser>>();
        email ??= TestAccounts.NewEmail();
        var user = new PortalUser { UserName = email, Email = email, EmailConfirmed = true };
        var created = await users.CreateAsync(user, TestAccounts.Password);
        Assert.True(created.Succeeded, string.Join("; ", created.Errors.Select(e => e.Description)));
        return user.Id;
    }
}
