using System.Net;
using Portal.Tests.Infrastructure;

namespace Portal.Tests.Billing;

/// <summary>The admin page finds a user by e-mail and adjusts credits with a reason; refusals are shown and audited.</summary>
public sealed class AdminCreditAdjustments : IDisposable
{
    private const string AdminEmail = "billing-admin@example.test";
    private readonly BillingFactory factory = new();

    public AdminCreditAdjustments() => factory.Settings["Admin:Emails:0"] = AdminEmail;

    [Fact]
    public async Task An_admin_adds_credits_with_a_reason_and_cannot_take_the_balance_below_zero()
    {
        var userEmail = TestAccounts.NewEmail();
        var user = await TestAccounts.CreateLoggedInAsync(factory, userEmail);
        var admin = await TestAccounts.CreateLoggedInAsync(factory, AdminEmail);

        var found = await admin.GetStringAsync($"/admin?email={Uri.EscapeDataString(userEmail)}");
        Assert.Contains("25 credits", found);

        var added = await BillingForms.SubmitAsync(admin, $"/admin?email={Uri.EscapeDataString(userEmail)}", "admin/credits", new Dictionary<string, string> { ["amount"] = "15", ["reason"] = "Job failed twice" });
        var page = await admin.GetStringAsync(added.Headers.Location!.OriginalString);
        Assert.Contains("Added 15 credits", page);
        Assert.Contains("40 credits", page);

        var refused = await BillingForms.SubmitAsync(admin, $"/admin?email={Uri.EscapeDataString(userEmail)}", "admin/credits", new Dictionary<string, string> { ["amount"] = "-41", ["reason"] = "Too much" });
        page = await admin.GetStringAsync(refused.Headers.Location!.OriginalString);
        Assert.Contains("below zero", page);
        Assert.Contains("40 credits", page);
        Assert.Contains("Job failed twice", page);
        Assert.Contains("Too much", page);

        Assert.Equal("40", BillingForms.TestId(await user.GetStringAsync("/billing"), "billing-balance"));
    }

    [Fact]
    public async Task A_user_without_the_Admin_role_cannot_open_the_page_or_post_adjustments()
    {
        var user = await TestAccounts.CreateLoggedInAsync(factory);

        var page = await user.GetAsync("/admin");
        Assert.NotEqual(HttpStatusCode.OK, page.StatusCode);
        var token = await Uploads.TokenAsync(user);
        var post = await user.PostAsync("/admin/credits", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["__RequestVerificationToken"] = token, ["userId"] = "x", ["email"] = "x@example.test", ["amount"] = "1000", ["reason"] = "me",
        }));
        Assert.NotEqual(HttpStatusCode.OK, post.StatusCode);
        Assert.DoesNotContain("/admin?", post.Headers.Location?.ToString() ?? "");
    }

    public void Dispose() => factory.Dispose();
}
