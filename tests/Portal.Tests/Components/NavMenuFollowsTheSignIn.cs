using Portal.Web.Components.Layout;

namespace Portal.Tests.Components;

public sealed class NavMenuFollowsTheSignIn : ComponentTest
{
    [Fact]
    public void A_visitor_sees_log_in_and_sign_up_but_no_dashboard()
    {
        AddAuthorization();

        var menu = Render<NavMenu>();

        Assert.Contains("Log in", menu.Markup);
        Assert.Contains("Sign up", menu.Markup);
        Assert.DoesNotContain("Dashboard", menu.Markup);
    }

    [Fact]
    public void A_signed_in_person_sees_the_dashboard_and_account()
    {
        AddAuthorization().SetAuthorized("person@example.test");

        var menu = Render<NavMenu>();

        Assert.Contains("Dashboard", menu.Markup);
        Assert.Contains("Account", menu.Markup);
        Assert.DoesNotContain("Sign up", menu.Markup);
    }
}
