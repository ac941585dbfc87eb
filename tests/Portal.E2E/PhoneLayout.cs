using Microsoft.Playwright;
using Portal.E2E.Infrastructure;
using static Microsoft.Playwright.Assertions;

namespace Portal.E2E;

/// <summary>At 390x844 (a phone) nothing is wider than the screen: the app bar keeps one line, tables scroll in their own box.</summary>
[Collection(PortalCollection.Name)]
public sealed class PhoneLayout(PortalServer server)
{
    private const int Width = 390;

    public static readonly string[] SignedOutPages =
        ["/", "/pricing", "/models", "/Account/Login", "/Account/Register", "/Account/ForgotPassword", "/Account/ResendEmailConfirmation", "/not-found"];

    public static readonly string[] SignedInPages =
        ["/dashboard", "/upload", "/jobs", "/gallery", "/billing", "/pricing", "/Account/Manage", "/Account/Manage/Email",
         "/Account/Manage/ChangePassword", "/Account/Manage/TwoFactorAuthentication", "/Account/Manage/Passkeys", "/Account/Manage/PersonalData"];

    [Fact]
    public async Task The_signed_out_app_bar_keeps_one_line_and_no_page_is_wider_than_the_phone()
    {
        var page = await server.NewPageAsync(Width, 844);
        // OpenAsync returns once the page is settled (a prerendered bar is replaced when a circuit starts): measure that one.
        await page.OpenAsync("/");
        await Expect(page.GetByTestId("app-bar")).ToBeVisibleAsync();

        // Menu, name, theme switch, log in and sign up share one line, each on one line of text.
        var bar = (await page.GetByTestId("app-bar").BoundingBoxAsync())!;
        Assert.True(bar.Height <= 64, $"The app bar is {bar.Height}px tall: it wrapped.");
        foreach (var (name, part) in new[] { ("name", page.Locator(".portal-brand")), ("log in", page.GetByTestId("login")), ("sign up", page.GetByTestId("signup")), ("theme", page.GetByTestId("theme-toggle")) })
        {
            await Expect(part).ToBeVisibleAsync();
            var box = (await part.BoundingBoxAsync())!;
            var oneLine = name == "theme" || box.Height <= 40;
            var inside = box.X >= 0 && box.X + box.Width <= Width && box.Y >= bar.Y && box.Y + box.Height <= bar.Y + bar.Height;
            Assert.True(oneLine && inside, $"The {name} button sits at {box.X},{box.Y} size {box.Width}x{box.Height} in a bar of {bar.Width}x{bar.Height}.");
        }

        foreach (var path in SignedOutPages)
        {
            await AssertFitsAsync(page, path);
        }

        // The pricing page's "what each level runs" table scrolls inside its own box.
        await page.OpenAsync("/pricing");
        await AssertScrollsInItsBoxAsync(page.GetByTestId("model-lineup"));
    }

    [Fact]
    public async Task No_signed_in_page_is_wider_than_the_phone_and_the_billing_history_scrolls_in_its_box()
    {
        var email = AccountSteps.NewEmail();
        var page = await AccountSteps.NewConfirmedUserAsync(server, email);
        await page.SetViewportSizeAsync(Width, 844);
        await AccountSteps.LogInAsync(page, email);
        var jobUrl = await JobSteps.FinishPhotoJobAsync(page);

        foreach (var path in SignedInPages.Append(new Uri(jobUrl).PathAndQuery))
        {
            await AssertFitsAsync(page, path);
        }

        await page.OpenAsync("/billing");
        await Expect(page.GetByTestId("ledger-row").First).ToBeVisibleAsync();
        await AssertScrollsInItsBoxAsync(page.GetByTestId("billing-history"));

        await page.GetByTestId("upgrade-pro").ClickAsync();
        await Expect(page.GetByTestId("test-checkout-banner")).ToBeVisibleAsync();
        await AssertNoOverflowAsync(page, "/billing/test-checkout");
    }

    private static async Task AssertFitsAsync(IPage page, string path)
    {
        var response = await page.OpenAsync(path);
        Assert.True(response!.Ok || path == "/not-found", $"{path} answered {response.Status}.");
        await Expect(page.Locator("h1").First).ToBeVisibleAsync();
        await AssertNoOverflowAsync(page, path);
    }

    private static async Task AssertNoOverflowAsync(IPage page, string path)
    {
        var overflow = await page.EvaluateAsync<int>("document.documentElement.scrollWidth - window.innerWidth");
        if (overflow > 0)
        {
            // Name the widest culprits: elements reaching past the right edge with no child that does.
            var culprits = await page.EvaluateAsync<string[]>("""
                () => [...document.querySelectorAll('body *')]
                    .filter(e => e.getBoundingClientRect().right > window.innerWidth + 0.5)
                    .filter(e => ![...e.children].some(c => c.getBoundingClientRect().right > window.innerWidth + 0.5))
                    .slice(0, 6)
                    .map(e => `${e.tagName.toLowerCase()}.${[...e.classList].join('.')} right=${Math.round(e.getBoundingClientRect().right)}`)
                """);
            Assert.Fail($"{path} is {overflow}px wider than a phone screen: {string.Join("; ", culprits)}");
        }
    }

    /// <summary>The table's box fits the screen; a table wider than it scrolls inside that box, nothing is cut off.</summary>
    private static async Task AssertScrollsInItsBoxAsync(ILocator table)
    {
        var container = table.Locator(".mud-table-container");
        await Expect(container).ToBeVisibleAsync();
        await Expect(container).ToHaveCSSAsync("overflow-x", new System.Text.RegularExpressions.Regex("^(auto|scroll)$"));
        var box = await container.BoundingBoxAsync() ?? throw new InvalidOperationException("The table's box left the page while it was measured.");
        Assert.True(box.X >= 0 && box.X + box.Width <= Width, $"The table's box spans {box.X}..{box.X + box.Width}px.");
    }
}
