using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Portal.E2E.Infrastructure;

/// <summary>What a person does on the account pages, step by step, as reusable browser actions.</summary>
public static class AccountSteps
{
    public const string Password = "Upscale-E2E-Pass-1";

    public static string NewEmail() => $"e2e-{Guid.NewGuid():N}@example.test";

    public static async Task RegisterAsync(IPage page, string email, string password = Password)
    {
        await page.OpenAsync("/Account/Register");
        await page.FillAsync("#Input\\.Email", email);
        await page.FillAsync("#Input\\.Password", password);
        await page.FillAsync("#Input\\.ConfirmPassword", password);
        await page.GetByRole(AriaRole.Button, new() { Name = "Register" }).ClickAsync();
        await Expect(page.GetByTestId("register-confirmation")).ToContainTextAsync(email);
    }

    public static async Task ConfirmFromOutboxAsync(IPage page, PortalServer server, string email)
    {
        var link = await server.Factory.WaitForEmailLinkAsync(email, "ConfirmEmail");
        await page.OpenAsync(new Uri(link).PathAndQuery);
        await Expect(page.GetByTestId("status-message")).ToContainTextAsync("Thank you for confirming");
    }

    public static async Task SubmitLoginAsync(IPage page, string email, string password)
    {
        await page.OpenAsync("/Account/Login");
        await page.FillAsync("#Input\\.Email", email);
        await page.FillAsync("#Input\\.Password", password);
        await page.GetByRole(AriaRole.Button, new() { Name = "Log in", Exact = true }).ClickAsync();
    }

    public static async Task LogInAsync(IPage page, string email, string password = Password)
    {
        await SubmitLoginAsync(page, email, password);
        await Expect(page.GetByTestId("dashboard-title")).ToBeVisibleAsync();
        await JobSteps.WaitForInteractiveAsync(page);
    }

    public static async Task<IPage> NewConfirmedUserAsync(PortalServer server, string email)
    {
        var page = await server.NewPageAsync();
        await RegisterAsync(page, email);
        await ConfirmFromOutboxAsync(page, server, email);
        return page;
    }
}
