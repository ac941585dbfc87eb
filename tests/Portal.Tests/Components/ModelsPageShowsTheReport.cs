using System.Globalization;
using Bunit;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Portal.Core.Billing;
using Portal.Models.Evaluation;
using Portal.Tests.Infrastructure;
using ModelsPage = Portal.Web.Components.Pages.Models;
using Portal.Web.Features.Models;

namespace Portal.Tests.Components;

/// <summary>/models shows the committed quality report's numbers and picture strips, not numbers of its own.</summary>
public sealed class ModelsPageShowsTheReport : ComponentTest
{
    private static readonly string ReportPath = Path.Combine(RepositoryPaths.Root, "models", PublishedReport.FileName);

    public ModelsPageShowsTheReport()
    {
        Services.AddSingleton(Options.Create(new BillingOptions
        {
            Tiers = [new PricingTier { Id = "free", Name = "Starter", MonthlyCredits = 10, MaxInputMegapixels = 2, MaxUploadMegabytes = 5, Qualities = [Portal.Models.QualityLevel.Fast], Scales = [2], RetentionDays = 3 }],
        }));
    }

    [Theory]
    [InlineData(EvaluationTrack.Heavy, "realesrgan-x4plus-x4")]
    [InlineData(EvaluationTrack.Medium, "realesrgan-x4plus-x4")]
    [InlineData(EvaluationTrack.Clean, "esrgan-thick-x4")]
    [InlineData(EvaluationTrack.Clean, "lanczos3")]
    [InlineData(EvaluationTrack.Light, "photo x4 Ultra, as served")]
    [InlineData(EvaluationTrack.Medium, "photo x4 Ultra, as served")]
    [InlineData(EvaluationTrack.Heavy, "photo x4 Ultra, as served")]
    [InlineData(EvaluationTrack.Clean, "photo x4 Detail, as served")]
    [InlineData(EvaluationTrack.Medium, "photo x4 Detail, as served")]
    [InlineData(EvaluationTrack.Medium, "photo-x4")]
    public void A_lineup_model_shows_the_committed_numbers(EvaluationTrack track, string method)
    {
        var report = PublishedReport.Parse(File.ReadAllText(ReportPath));
        Services.AddSingleton(new QualityReportSource(() => report));
        var expected = report.Find("photos", 4, method, track) ?? throw new InvalidOperationException($"The report has no {method} on {track}.");

        var page = Render<ModelsPage>();

        var cells = page.Find($"[data-testid=report-{track.ToString().ToLowerInvariant()}-{method.Replace(", ", "-", StringComparison.Ordinal).Replace(' ', '-')}]").QuerySelectorAll("td").Select(c => c.TextContent.Trim()).ToList();
        Assert.Contains(expected.Means["brisque"].ToString("0.0", CultureInfo.InvariantCulture), cells);
        Assert.Contains(expected.Means["blockiness"].ToString("0.000", CultureInfo.InvariantCulture), cells);
        Assert.Contains(expected.Means["ssim-y"].ToString("0.000", CultureInfo.InvariantCulture), cells);
    }

    [Fact]
    public void The_network_mixed_into_the_x4_restoration_is_shown_with_its_role()
    {
        var report = PublishedReport.Parse(File.ReadAllText(ReportPath));
        Services.AddSingleton(new QualityReportSource(() => report));

        var page = Render<ModelsPage>();

        Assert.Contains("photo-x4 (mixed into Ultra, Detail at JPEG quality 31-89)", page.Find("[data-testid=report-medium-photo-x4]").TextContent, StringComparison.Ordinal);
        Assert.Contains("realesrgan-x4plus-x4 (Ultra, Detail)", page.Find("[data-testid=report-medium-realesrgan-x4plus-x4]").TextContent, StringComparison.Ordinal);
    }

    [Fact]
    public void Every_medium_picture_strip_of_the_report_is_shown_and_exists()
    {
        var report = PublishedReport.Parse(File.ReadAllText(ReportPath));
        Services.AddSingleton(new QualityReportSource(() => report));

        var page = Render<ModelsPage>();

        var strips = report.Pictures.Where(p => p.Scale == 4 && p.Track == EvaluationTrack.Medium).ToList();
        Assert.NotEmpty(strips);
        foreach (var strip in strips)
        {
            var image = page.Find($"[data-testid=models-picture-{strip.Label}] img");
            Assert.Equal($"images/models/{strip.File}", image.GetAttribute("src"));
            Assert.True(File.Exists(Path.Combine(RepositoryPaths.Root, "wwwroot", "images", "models", strip.File)), $"{strip.File} is not in wwwroot/images/models.");
        }
    }

    [Fact]
    public void Without_a_report_the_page_says_the_numbers_are_missing()
    {
        Services.AddSingleton(new QualityReportSource(() => null));

        var page = Render<ModelsPage>();

        Assert.Contains("not available", page.Find("[data-testid=models-report-missing]").TextContent, StringComparison.Ordinal);
        Assert.Empty(page.FindAll("[data-testid=models-report]"));
    }
}
