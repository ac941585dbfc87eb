// Idle memory after anonymous landing-page visits, printed as numbers (run: scripts/bench-web.sh landing-visits 200):
// a real browser opens "/" in a fresh context N times and closes it; the portal's memory and the browser's requests to
// /_blazor are read once the visits are over. A page with a live connection leaves a circuit behind each time (kept for
// the disconnected-circuit retention period, up to its cap); a statically rendered page leaves nothing.
using System.Diagnostics;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using Portal.Tests.Infrastructure;

namespace Portal.Bench;

internal static class LandingVisits
{
    public static async Task<int> RunAsync(int visits)
    {
        // Counted in the browser: ASP.NET Core's circuit meter, read through a MeterListener here, missed increments (it read -4).
        long circuitRequests = 0;

        using var factory = new PortalFactory();
        factory.Settings["Logging:LogLevel:Default"] = "Warning";
        factory.Settings["Jobs:RunWorker"] = "false";
        factory.UseKestrel(0);
        factory.StartServer();
        var address = factory.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First()
            .Replace("[::]", "127.0.0.1", StringComparison.Ordinal);

        using var playwright = await Playwright.CreateAsync();
        await using var browser = await playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = Environment.GetEnvironmentVariable("PORTAL_CHROMIUM") ?? "/usr/bin/chromium",
            Headless = true,
            Args = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run"],
        });

        // One visit first, so start-up allocations (compiled views, caches) are not counted as visits.
        await VisitAsync(browser, address, () => Interlocked.Increment(ref circuitRequests));
        var before = Measure();
        Console.WriteLine($"Machine: {Environment.ProcessorCount} logical CPUs, {Environment.OSVersion}, .NET {Environment.Version}");
        Console.WriteLine($"After 1 warm-up visit: managed heap {before.Managed / 1e6:0.0} MB, process RSS {before.Rss / 1e6:0} MB");

        var watch = Stopwatch.StartNew();
        for (var i = 0; i < visits; i++)
        {
            await VisitAsync(browser, address, () => Interlocked.Increment(ref circuitRequests));
        }

        watch.Stop();
        await Task.Delay(TimeSpan.FromSeconds(5)); // closed tabs' connections drop
        var after = Measure();
        Console.WriteLine($"{visits} anonymous visits to / in {watch.Elapsed.TotalSeconds:0.0} s; requests to /_blazor from the browser: {Interlocked.Read(ref circuitRequests)}");
        Console.WriteLine($"Idle after the visits: managed heap {after.Managed / 1e6:0.0} MB (+{(after.Managed - before.Managed) / 1e6:0.0} MB), process RSS {after.Rss / 1e6:0} MB (+{(after.Rss - before.Rss) / 1e6:0} MB)");
        return 0;
    }

    private static async Task VisitAsync(IBrowser browser, string address, Action onCircuitRequest)
    {
        await using var context = await browser.NewContextAsync(new BrowserNewContextOptions { BaseURL = address });
        var page = await context.NewPageAsync();
        page.Request += (_, request) =>
        {
            if (request.Url.Contains("/_blazor", StringComparison.Ordinal))
            {
                onCircuitRequest();
            }
        };
        await page.GotoAsync("/");
        // Long enough for blazor.web.js to start a circuit on a page that has one.
        await page.WaitForLoadStateAsync(LoadState.NetworkIdle);
        await page.CloseAsync();
    }

    private static (long Managed, long Rss) Measure()
    {
        GC.Collect();
        GC.WaitForPendingFinalizers();
        GC.Collect();
        using var process = Process.GetCurrentProcess();
        return (GC.GetTotalMemory(forceFullCollection: true), process.WorkingSet64);
    }
}
