// Web benchmarks of the core flow, printed as numbers (run: scripts/bench-web.sh):
//   1. a 50 MB upload streamed over loopback: server memory before, during and after;
//   2. submit -> the worker starting the job, in one process (woken by the in-process signal);
//   3. the gallery's first page with 1,000 items in the account.
using System.Diagnostics;
using System.Net;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Portal.Core.Accounts;
using Portal.Core.Billing;
using Portal.Core.Data;
using Portal.Core.Jobs;
using Portal.Core.Uploads;
using Portal.Engine.Imaging;
using Portal.Models;
using Portal.Tests.Infrastructure;

namespace Portal.Bench;

internal static class WebBenchmarks
{
    public static async Task<int> Main(string[] args)
    {
        SetContentRoot();
        if (args is ["landing-visits", ..])
        {
            return await LandingVisits.RunAsync(args.Length > 1 ? int.Parse(args[1], System.Globalization.CultureInfo.InvariantCulture) : 200);
        }

        using var factory = new PortalFactory();
        factory.Settings["Logging:LogLevel:Default"] = "Warning";
        factory.UseKestrel(0);
        factory.StartServer();
        var services = factory.Services;

        const string email = "bench@example.test";
        const string password = "Bench-Pass-123";
        string userId;
        using (var scope = services.CreateScope())
        {
            var users = scope.ServiceProvider.GetRequiredService<UserManager<PortalUser>>();
            var user = new PortalUser { UserName = email, Email = email, EmailConfirmed = true, CreatedAt = DateTimeOffset.UtcNow };
            Check((await users.CreateAsync(user, password)).Succeeded, "create user");
            userId = user.Id;
            await scope.ServiceProvider.GetRequiredService<CreditLedger>().GetAccountAsync(userId);
            var db = scope.ServiceProvider.GetRequiredService<PortalDbContext>();
            // The largest plan, so a 50 MB file is allowed.
            await db.CreditAccounts.Where(a => a.UserId == userId).ExecuteUpdateAsync(s => s.SetProperty(a => a.TierId, "studio").SetProperty(a => a.SubscriptionBalance, 100_000));
        }

        var address = services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First().Replace("[::]", "127.0.0.1", StringComparison.Ordinal);
        var client = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false, UseCookies = true, CookieContainer = new CookieContainer() }) { BaseAddress = new Uri(address) };
        client.Timeout = TimeSpan.FromMinutes(5);
        var login = await AccountForms.SubmitAsync(client, "/Account/Login", new Dictionary<string, string> { ["Input.Email"] = email, ["Input.Password"] = password });
        Check(login.StatusCode == HttpStatusCode.Redirect, "log in");
        var token = WebUtility.HtmlDecode(Regex.Match(await client.GetStringAsync("/dashboard"), @"name=""__RequestVerificationToken"" value=""([^""]+)""").Groups[1].Value);

        Console.WriteLine($"Machine: {Environment.ProcessorCount} logical CPUs, {Environment.OSVersion}, .NET {Environment.Version}");

        // 1. A 50 MB PNG of noise (incompressible), 4,100 x 4,100 pixels.
        var bigFile = Path.Combine(factory.DataPath, "noise.png");
        using (var noise = NetVips.Image.Gaussnoise(4100, 4100, mean: 128, sigma: 60).Cast(NetVips.Enums.BandFormat.Uchar).Bandjoin(NetVips.Image.Gaussnoise(4100, 4100).Cast(NetVips.Enums.BandFormat.Uchar), NetVips.Image.Gaussnoise(4100, 4100).Cast(NetVips.Enums.BandFormat.Uchar)))
        {
            noise.Copy(interpretation: NetVips.Enums.Interpretation.Srgb).WriteToFile(bigFile, new NetVips.VOption { { "compression", 1 } });
        }

        var fileBytes = new FileInfo(bigFile).Length;
        GC.Collect();
        GC.WaitForPendingFinalizers();
        var process = Process.GetCurrentProcess();
        process.Refresh();
        var managedBefore = GC.GetTotalMemory(forceFullCollection: true);
        var allocatedBefore = GC.GetTotalAllocatedBytes(precise: true);
        var rssBefore = process.WorkingSet64;
        var peakRss = rssBefore;
        using var sampling = new CancellationTokenSource();
        var sampler = Task.Run(async () =>
        {
            while (!sampling.IsCancellationRequested)
            {
                process.Refresh();
                peakRss = Math.Max(peakRss, process.WorkingSet64);
                await Task.Delay(20);
            }
        });
        var uploadWatch = Stopwatch.StartNew();
        await using (var stream = File.OpenRead(bigFile))
        {
            using var form = new MultipartFormDataContent();
            // Streamed from disk by the client too: HttpClient does not buffer a StreamContent.
            form.Add(new StreamContent(stream, 81920), "file", "noise.png");
            using var request = new HttpRequestMessage(HttpMethod.Post, "/api/uploads") { Content = form };
            request.Headers.Add("RequestVerificationToken", token);
            var response = await client.SendAsync(request);
            Check(response.IsSuccessStatusCode, "upload: " + await response.Content.ReadAsStringAsync());
        }

        uploadWatch.Stop();
        await sampling.CancelAsync();
        await sampler;
        var allocated = GC.GetTotalAllocatedBytes(precise: true) - allocatedBefore;
        var managedAfter = GC.GetTotalMemory(forceFullCollection: true);
        Console.WriteLine($"Upload of {fileBytes / 1e6:0.0} MB over loopback: {uploadWatch.Elapsed.TotalSeconds:0.00} s ({fileBytes / 1e6 / uploadWatch.Elapsed.TotalSeconds:0} MB/s)");
        Console.WriteLine($"  process RSS before {rssBefore / 1e6:0} MB, peak during {peakRss / 1e6:0} MB (+{(peakRss - rssBefore) / 1e6:0} MB)");
        Console.WriteLine($"  managed heap before {managedBefore / 1e6:0.0} MB, after {managedAfter / 1e6:0.0} MB; allocated during the upload {allocated / 1e6:0.0} MB (client and server together)");

        // 2. Submit -> started, measured from the worker's own Running signal.
        Guid imageId;
        using (var scope = services.CreateScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<PortalDbContext>();
            var image = new StoredImage { Id = Guid.CreateVersion7(), UserId = userId, FileName = "small.png", StorageKey = "", Format = ImageFormat.Png, Width = 128, Height = 96, CreatedAt = DateTime.UtcNow };
            var stored = await db.Images.Where(i => i.UserId == userId).OrderBy(i => i.CreatedAt).Select(i => i.StorageKey).FirstAsync();
            image.StorageKey = stored;
            db.Images.Add(image);
            await db.SaveChangesAsync();
            imageId = image.Id;
        }

        var events = services.GetRequiredService<JobEvents>();
        var latencies = new List<double>();
        for (var run = 0; run < 5; run++)
        {
            var started = new TaskCompletionSource<long>(TaskCreationOptions.RunContinuationsAsynchronously);
            var subscription = events.Subscribe(update =>
            {
                if (update.Status == JobStatus.Running)
                {
                    started.TrySetResult(Stopwatch.GetTimestamp());
                }

                return Task.CompletedTask;
            });
            long submitted;
            using (var scope = services.CreateScope())
            {
                var jobs = scope.ServiceProvider.GetRequiredService<JobService>();
                // The worker is idle between runs (the previous job was canceled at once).
                var result = await jobs.SubmitAsync(userId, Guid.NewGuid(), [new JobRequest(imageId, ContentType.Art, QualityLevel.Fast, 2)]);
                submitted = Stopwatch.GetTimestamp();
                Check(result.Succeeded, "submit: " + result.Error);
                var runningAt = await started.Task.WaitAsync(TimeSpan.FromSeconds(30));
                latencies.Add(Stopwatch.GetElapsedTime(submitted, runningAt).TotalMilliseconds);
                await jobs.CancelAsync(userId, result.JobIds[0]);
            }

            subscription.Dispose();
            await Task.Delay(3000); // let the canceled job stop before the next run
        }

        Console.WriteLine($"Submit -> worker started (one process, 5 runs): median {latencies.Order().ElementAt(2):0.0} ms, max {latencies.Max():0.0} ms");

        // 3. The gallery with 1,000 jobs.
        using (var scope = services.CreateScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<PortalDbContext>();
            var now = DateTime.UtcNow;
            db.Jobs.AddRange(Enumerable.Range(0, 1000).Select(i => new UpscaleJob
            {
                Id = Guid.CreateVersion7(),
                UserId = userId,
                ImageId = imageId,
                BatchId = Guid.NewGuid(),
                ModelId = "realesr-animevideov3-x2",
                Scale = 2,
                Status = JobStatus.Failed,
                CreatedAt = now.AddSeconds(-i),
            }));
            await db.SaveChangesAsync();
        }

        var galleryTimes = new List<double>();
        for (var run = 0; run < 6; run++)
        {
            var watch = Stopwatch.StartNew();
            var html = await client.GetStringAsync("/gallery");
            watch.Stop();
            Check(html.Contains("data-testid=\"gallery-item\"", StringComparison.Ordinal), "gallery rendered");
            galleryTimes.Add(watch.Elapsed.TotalMilliseconds);
        }

        Console.WriteLine($"Gallery first page with 1,000+ items (server render incl. HTTP): first {galleryTimes[0]:0} ms, then median {galleryTimes.Skip(1).Order().ElementAt(2):0} ms");
        return 0;
    }

    /// <summary>Outside a test project WebApplicationFactory needs to be told where the web project is.</summary>
    private static void SetContentRoot()
    {
        var repository = new DirectoryInfo(AppContext.BaseDirectory);
        while (!File.Exists(Path.Combine(repository!.FullName, "Portal.sln")))
        {
            repository = repository.Parent;
        }

        Environment.SetEnvironmentVariable("ASPNETCORE_TEST_CONTENTROOT_PORTAL_WEB", Path.Combine(repository.FullName, "src", "Portal.Web"));
    }

    private static void Check(bool condition, string what)
    {
        if (!condition)
        {
            throw new InvalidOperationException($"Benchmark step failed: {what}");
        }
    }
}
