using System.Net;
using System.Text.Json;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.DependencyInjection;
using Portal.Core.Accounts;
using Portal.Core.Storage;
using Portal.Tests.Infrastructure;

namespace Portal.Tests.Accounts;

public sealed class AccountDeletion(PortalFactory factory) : IClassFixture<PortalFactory>
{
    [Fact]
    public async Task Deleting_the_account_removes_its_rows_and_files_and_its_cookie_stops_working()
    {
        var email = TestAccounts.NewEmail();
        var client = await TestAccounts.CreateLoggedInAsync(factory, email);
        var userId = await UserIdAsync(email);
        var folder = factory.Services.GetRequiredService<DataFolders>().ForUser(userId!);
        Directory.CreateDirectory(folder);
        await File.WriteAllTextAsync(Path.Combine(folder, "result.png"), "image bytes");

        var response = await AccountForms.SubmitAsync(client, "/Account/Manage/DeletePersonalData",
            new Dictionary<string, string> { ["Input.Password"] = TestAccounts.Password });

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Null(await UserIdAsync(email));
        Assert.False(Directory.Exists(folder));
        var afterwards = await client.GetAsync("/Account/Manage");
        Assert.Equal(HttpStatusCode.Redirect, afterwards.StatusCode);
        Assert.Contains("Account/Login", afterwards.Headers.Location!.ToString());
    }

    [Fact]
    public async Task A_wrong_password_deletes_nothing()
    {
        var email = TestAccounts.NewEmail();
        var client = await TestAccounts.CreateLoggedInAsync(factory, email);

        var response = await AccountForms.SubmitAsync(client, "/Account/Manage/DeletePersonalData",
            new Dictionary<string, string> { ["Input.Password"] = "Not-The-Password-1" });

        Assert.Contains("Incorrect password", await response.Content.ReadAsStringAsync());
        Assert.NotNull(await UserIdAsync(email));
    }

    [Fact]
    public async Task A_cookie_of_a_deleted_user_is_treated_as_logged_out()
    {
        var email = TestAccounts.NewEmail();
        var client = await TestAccounts.CreateLoggedInAsync(factory, email);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/Account/Manage")).StatusCode);

        using (var scope = factory.Services.CreateScope())
        {
            var users = scope.ServiceProvider.GetRequiredService<UserManager<PortalUser>>();
            await users.DeleteAsync((await users.FindByEmailAsync(email))!);
        }

        var response = await client.GetAsync("/Account/Manage");
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Contains("Account/Login", response.Headers.Location!.ToString());
    }

    [Fact]
    public async Task Download_my_data_returns_the_accounts_personal_data_as_json()
    {
        var email = TestAccounts.NewEmail();
        var client = await TestAccounts.CreateLoggedInAsync(factory, email);

        var response = await AccountForms.SubmitAsync(client, "/Account/Manage/PersonalData", new Dictionary<string, string>());

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains("attachment", response.Content.Headers.ContentDisposition?.ToString());
        using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.Equal(email, json.RootElement.GetProperty("Email").GetString());
        Assert.True(json.RootElement.TryGetProperty("CreatedAt", out _));
    }

    private async Task<string?> UserIdAsync(string email)
    {
        using var scope = factory.Services.CreateScope();
        return (await scope.ServiceProvider.GetRequiredService<UserManager<PortalUser>>().FindByEmailAsync(email))?.Id;
    }
}
