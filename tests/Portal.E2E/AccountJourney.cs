using Microsoft.Playwright;
using Portal.E2E.Infrastructure;
using static Microsoft.Playwright.Assertions;

namespace Portal.E2E;

[Collection(PortalCollection.Name)]
public sealed class AccountJourney(PortalServer server)
{
    [Fact]
    public async Task Register_confirm_from_the_outbox_log_out_and_log_back_in()
    {
        var email = AccountSteps.NewEmail();
        var page = await AccountSteps.NewConfirmedUserAsync(server, email);

        await AccountSteps.LogInAsync(page, email);
        await Expect(page.GetByTestId("dashboard-tier")).ToHaveTextAsync("Free");

        // Let the interactive circuit finish starting: a click while it re-renders the layout can be lost.
        await page.WaitForLoadStateAsync(LoadState.NetworkIdle);
        await page.GetByTestId("logout").ClickAsync();
        await Expect(page.GetByTestId("signup")).ToBeVisibleAsync();
        await page.OpenAsync("/dashboard");
        await Expect(page).ToHaveURLAsync(new System.Text.RegularExpressions.Regex("Account/Login"));

        await AccountSteps.LogInAsync(page, email);
        await Expect(page.GetByText($"Signed in as {email}")).ToBeVisibleAsync();
    }

    [Fact]
    public async Task A_wrong_password_shows_an_error_and_stays_logged_out()
    {
        var email = AccountSteps.NewEmail();
        var page = await AccountSteps.NewConfirmedUserAsync(server, email);

        await AccountSteps.SubmitLoginAsync(page, email, "Not-My-Password-1");

        await Expect(page.GetByTestId("status-message")).ToContainTextAsync("do not match an account");
        await Expect(page.GetByTestId("signup")).ToBeVisibleAsync();
    }

    [Fact]
    public async Task Repeated_failures_lock_the_account()
    {
        var email = AccountSteps.NewEmail();
        var page = await AccountSteps.NewConfirmedUserAsync(server, email);

        for (var attempt = 1; attempt <= 4; attempt++)
        {
            await AccountSteps.SubmitLoginAsync(page, email, "Not-My-Password-1");
            await Expect(page.GetByTestId("status-message")).ToContainTextAsync("do not match an account");
        }

        await AccountSteps.SubmitLoginAsync(page, email, "Not-My-Password-1");
        await Expect(page).ToHaveURLAsync(new System.Text.RegularExpressions.Regex("Account/Lockout"));
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Locked out" })).ToBeVisibleAsync();

        // Even the right password is refused while locked.
        await AccountSteps.SubmitLoginAsync(page, email, AccountSteps.Password);
        await Expect(page).ToHaveURLAsync(new System.Text.RegularExpressions.Regex("Account/Lockout"));
    }
}
