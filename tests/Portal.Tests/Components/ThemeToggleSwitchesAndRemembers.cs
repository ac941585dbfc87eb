using System.Security.Claims;
using Bunit;
using Microsoft.AspNetCore.Components;
using Microsoft.Extensions.DependencyInjection;
using Portal.Web.Components.Layout;
using Portal.Web.Features.Preferences;

namespace Portal.Tests.Components;

public sealed class ThemeToggleSwitchesAndRemembers : ComponentTest
{
    private readonly RecordingStore store = new();

    public ThemeToggleSwitchesAndRemembers()
    {
        Services.AddSingleton<IThemePreferenceStore>(store);
        AddAuthorization().SetAuthorized("person@example.test");
    }

    [Fact]
    public void Clicking_switches_the_page_to_dark_sets_the_cookie_and_saves_it_for_the_user()
    {
        SetRendererInfo(new RendererInfo("Server", isInteractive: true));
        var theme = new ThemeState(dark: false);
        var cookie = JSInterop.SetupVoid("portal.setCookie", _ => true);
        cookie.SetVoidResult();

        var toggle = Render<ThemeToggle>(p => p.AddCascadingValue(theme));
        toggle.Find("button[data-testid=theme-toggle]").Click();

        // MudBlazor runs the click handler asynchronously: wait for its effects, never sleep.
        toggle.WaitForAssertion(() => Assert.Equal([true], store.Saved));
        Assert.True(theme.Dark);
        var call = Assert.Single(cookie.Invocations);
        Assert.StartsWith("portal-theme=dark;", (string)call.Arguments[0]!);
        toggle.WaitForAssertion(() => Assert.Contains("Switch to light theme", toggle.Markup));
    }

    [Fact]
    public void Without_a_live_connection_it_is_a_form_that_posts_the_opposite_scheme()
    {
        SetRendererInfo(new RendererInfo("Static", isInteractive: false));
        var theme = new ThemeState(dark: true);

        var toggle = Render<ThemeToggle>(p => p.AddCascadingValue(theme));

        var form = toggle.Find("form");
        Assert.Equal("preferences/theme", form.GetAttribute("action"));
        Assert.Equal("false", form.QuerySelector("input[name=dark]")!.GetAttribute("value"));
        Assert.Empty(store.Saved);
    }

    private sealed class RecordingStore : IThemePreferenceStore
    {
        public List<bool> Saved { get; } = [];

        public Task SaveForUserAsync(ClaimsPrincipal principal, bool dark)
        {
            Saved.Add(dark);
            return Task.CompletedTask;
        }
    }
}
