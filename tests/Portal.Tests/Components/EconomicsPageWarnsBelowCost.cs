using Bunit;
using Microsoft.Data.Sqlite;
using Portal.Web.Components.Pages;
using Portal.Tests.Economics;

namespace Portal.Tests.Components;

public sealed class EconomicsPageWarnsBelowCost : ComponentTest
{
    private readonly SqliteConnection connection = new("Data Source=:memory:");

    [Fact]
    public void A_pack_selling_a_credit_below_its_measured_cost_is_named_with_the_quality()
    {
        EconomicsSeed.AddTo(Services, connection, EconomicsSeed.Billing(EconomicsSeed.BulkPack), EconomicsSeed.Jobs);

        var page = Render<AdminEconomics>();

        page.WaitForAssertion(() => Assert.Equal(3, page.FindAll("[data-testid=economics-throughput-row]").Count));
        var warning = Assert.Single(page.FindAll("[data-testid=economics-warning]"));
        Assert.Contains("Pack \"Bulk pack\"", warning.TextContent);
        Assert.Contains("$0.0030", warning.TextContent);
        Assert.Contains("Ultra ($0.0040)", warning.TextContent);
        Assert.Empty(page.FindAll("[data-testid=economics-no-jobs]"));
        Assert.NotEmpty(page.Find("[data-testid=economics-margin-chart]").QuerySelectorAll("svg"));
    }

    [Fact]
    public void Prices_above_the_measured_cost_show_no_warning()
    {
        EconomicsSeed.AddTo(Services, connection, EconomicsSeed.Billing(), EconomicsSeed.Jobs);

        var page = Render<AdminEconomics>();

        page.WaitForAssertion(() => Assert.Equal(3, page.FindAll("[data-testid=economics-quality-row]").Count));
        Assert.Empty(page.FindAll("[data-testid=economics-warning]"));
        var aCuda = page.FindAll("[data-testid=economics-throughput-row]")[1].TextContent;
        Assert.Contains("CUDA", aCuda);
        Assert.Contains(((3.0 + 9.0) / (2.0 + 8.0)).ToString("0.000", System.Globalization.CultureInfo.InvariantCulture), aCuda);
    }

    [Fact]
    public void Without_completed_jobs_the_page_says_so_and_still_lists_the_offers()
    {
        EconomicsSeed.AddTo(Services, connection, EconomicsSeed.Billing(EconomicsSeed.BulkPack), []);

        var page = Render<AdminEconomics>();

        page.WaitForAssertion(() => Assert.Contains("No completed jobs yet", page.Find("[data-testid=economics-no-jobs]").TextContent));
        Assert.Equal(3, page.FindAll("[data-testid=economics-offer-row]").Count);
        Assert.Empty(page.FindAll("[data-testid=economics-warning]"));
        Assert.Empty(page.FindAll("[data-testid=economics-margin-chart]"));
    }

    protected override async ValueTask DisposeAsyncCore()
    {
        await base.DisposeAsyncCore();
        await connection.DisposeAsync();
    }
}
