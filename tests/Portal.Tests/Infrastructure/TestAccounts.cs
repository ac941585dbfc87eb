using System.Net;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Portal.Core.Data;

namespace Portal.Tests.Infrastructure;

/// <summary>Creates confirmed accounts through the real pages, and clients that carry their cookies.</summary>
public static class TestAccounts
{
    public const string Password = "Upscale-Test-42";

    public static string NewEmail() => $"user-{Guid.NewGuid():N}@example.test";

    public static HttpClient NewClient(PortalFactory factory) =>
        factory.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false, HandleCookies = true });

    public static Task<HttpResponseMessage> RegisterAsync(HttpClient client, string email, string password = Password) =>
        AccountForms.SubmitAsync(client, "/Account/Register", new Dictionary<string, string>
        {
            ["Input.Email"] = email,
            ["Input.Password"] = password,
            ["Input.ConfirmPassword"] = password,
        });

    public static Task<HttpResponseMessage> LogInAsync(HttpClient client, string email, string password = Password) =>
        AccountForms.SubmitAsync(client, "/Account/Login", new Dictionary<string, string>
        {
            ["Input.Email"] = email,
            ["Input.Password"] = password,
        });

    /// <summary>Registers, follows the e-mailed link and logs in; returns a client holding the session cookie.</summary>
    public static async Task<HttpClient> CreateLoggedInAsync(PortalFactory factory, string? email = null)
    {
        email ??= NewEmail();
        var client = NewClient(factory);
        var registered = await RegisterAsync(client, email);
        Assert.Equal(HttpStatusCode.Redirect, registered.StatusCode);
        var link = await factory.WaitForEmailLinkAsync(email, "ConfirmEmail");
        var confirmed = await client.GetStringAsync(new Uri(link).PathAndQuery);
        Assert.Contains("Thank you for confirming", confirmed);
        var login = await LogInAsync(client, email);
        Assert.Equal(HttpStatusCode.Redirect, login.StatusCode);
        return client;
    }

    /// <summary>A new confirmed account, logged in: its client and its user id.</summary>
    public static async Task<(HttpClient Client, string UserId)> SignInAsync(PortalFactory factory)
    {
        var email = NewEmail();
        var client = await CreateLoggedInAsync(factory, email);
        using var scope = factory.Services.CreateScope();
        var id = await scope.ServiceProvider.GetRequiredService<PortalDbContext>().Users.Where(u => u.Email == email).Select(u => u.Id).SingleAsync();
        return (client, id);
    }
}
