using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.DependencyInjection;
using Portal.Core.Accounts;
using Portal.Tests.Infrastructure;

namespace Portal.Tests.Accounts;

public sealed class AdminFactory : PortalFactory
{
    public const string AdminEmail = "owner@example.test";

    public AdminFactory() => Settings["Admin:Emails:0"] = AdminEmail;
}

public sealed class AdminRole(AdminFactory factory) : IClassFixture<AdminFactory>
{
    [Fact]
    public async Task The_configured_address_gets_the_admin_role_and_others_do_not()
    {
        await TestAccounts.CreateLoggedInAsync(factory, AdminFactory.AdminEmail);
        var other = TestAccounts.NewEmail();
        await TestAccounts.CreateLoggedInAsync(factory, other);

        using var scope = factory.Services.CreateScope();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<PortalUser>>();
        Assert.True(await users.IsInRoleAsync((await users.FindByEmailAsync(AdminFactory.AdminEmail))!, AdminOptions.RoleName));
        Assert.False(await users.IsInRoleAsync((await users.FindByEmailAsync(other))!, AdminOptions.RoleName));
    }
}
