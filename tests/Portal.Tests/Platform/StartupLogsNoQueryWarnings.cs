using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Portal.Core.Jobs;
using Portal.Tests.Infrastructure;

namespace Portal.Tests.Platform;

/// <summary>Start-up and the background sweeps run their queries without EF Core warnings (a limit without an order).</summary>
public sealed class StartupLogsNoQueryWarnings
{
    [Fact]
    public async Task Starting_and_sweeping_expired_results_logs_no_row_limit_without_order_warning()
    {
        var logs = new CapturedLogs();
        await using var factory = new LoggedFactory(logs);
        _ = factory.Services;

        await factory.Services.GetRequiredService<ResultRetention>().SweepAsync();

        var warnings = logs.Entries.Where(e => e.Category.StartsWith("Microsoft.EntityFrameworkCore", StringComparison.Ordinal) && e.Level >= LogLevel.Warning).ToList();
        Assert.True(warnings.Count == 0, string.Join(Environment.NewLine, warnings.Select(w => $"{w.EventId.Id} {w.Message}")));
    }

    private sealed class LoggedFactory(CapturedLogs logs) : PortalFactory
    {
        protected override void ConfigureWebHost(IWebHostBuilder builder)
        {
            base.ConfigureWebHost(builder);
            builder.ConfigureLogging(l => l.AddProvider(logs));
        }
    }
}
