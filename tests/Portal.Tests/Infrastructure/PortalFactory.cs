using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Portal.Core.Data;

namespace Portal.Tests.Infrastructure;

/// <summary>
/// The real portal in memory: its own empty data folder, a fresh SQLite database built by the real migrations,
/// the real e-mail outbox. Settings go through UseSetting so they are visible while services are registered.
/// </summary>
public partial class PortalFactory : WebApplicationFactory<Program>
{
    public PortalFactory()
    {
        DataPath = Path.Combine(Path.GetTempPath(), "upscale-portal-tests", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(DataPath);
    }

    public string DataPath { get; }

    public string OutboxPath => Path.Combine(DataPath, "outbox");

    /// <summary>Fails chosen commits with a transient fault, to watch the execution strategy replay the unit.</summary>
    public CommitFaults Faults { get; } = new();

    /// <summary>Extra configuration for one test class, e.g. a low rate limit.</summary>
    public Dictionary<string, string> Settings { get; } = new()
    {
        ["Security:AccountFormPostsPerMinute"] = "10000",
        ["RateLimits:Uploads:PermitLimit"] = "100000",
        ["RateLimits:Submits:PermitLimit"] = "100000",
        ["RateLimits:Downloads:PermitLimit"] = "100000",
        ["RateLimits:Billing:PermitLimit"] = "100000",
        ["RateLimits:Webhook:PermitLimit"] = "100000",
    };

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment("Development");
        builder.UseSetting("Storage:DataPath", DataPath);
        builder.UseSetting("Logging:LogLevel:Default", "Warning");
        foreach (var (key, value) in Settings)
        {
            builder.UseSetting(key, value);
        }

        // Every test runs under a retrying strategy, as production does on SQL Server.
        builder.ConfigureTestServices(services => services.ConfigureDbContext<PortalDbContext>((_, options) => options
            .UseSqlite(sqlite => sqlite.ExecutionStrategy(dependencies => new RetryingTestStrategy(dependencies)))
            .AddInterceptors(Faults)));
    }

    /// <summary>The newest link in the newest message to this address, waiting briefly for it to be written.</summary>
    public async Task<string> WaitForEmailLinkAsync(string to, string pathPart, TimeSpan? timeout = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(10));
        while (true)
        {
            var link = Directory.Exists(OutboxPath)
                ? Directory.GetFiles(OutboxPath, "*.eml")
                    .OrderByDescending(f => f, StringComparer.Ordinal)
                    .Select(File.ReadAllText)
                    .Where(m => m.Contains(to, StringComparison.OrdinalIgnoreCase))
                    .Select(m => LinkPattern().Matches(m).Select(x => x.Value).FirstOrDefault(v => v.Contains(pathPart, StringComparison.OrdinalIgnoreCase)))
                    .FirstOrDefault(l => l is not null)
                : null;
            if (link is not null)
            {
                return System.Net.WebUtility.HtmlDecode(link);
            }

            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"No e-mail to {to} with a link to {pathPart} in {OutboxPath}.");
            }

            await Task.Delay(100);
        }
    }

    protected override void Dispose(bool disposing)
    {
        base.Dispose(disposing);

        // The finalizer of a derived factory whose constructor threw (e.g. its storage emulator would not start)
        // runs before DataPath was ever set; a throw there would end the whole test host.
        if (DataPath is null)
        {
            return;
        }

        try
        {
            Directory.Delete(DataPath, recursive: true);
        }
        catch (IOException)
        {
            // A file still open by a background task; the temp folder is cleaned by the OS.
        }
    }

    // The plain-text part carries the link unencoded on one line.
    [GeneratedRegex(@"https?://[^\s""<>]+")]
    private static partial Regex LinkPattern();
}
