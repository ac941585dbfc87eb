using System.Security.Claims;
using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Authorization;
using Microsoft.EntityFrameworkCore;
using Portal.Core.Data;
using Portal.Core.Jobs;
using Portal.Core.Uploads;

namespace Portal.Web.Components.Pages;

/// <summary>One job: queue position and live progress while it runs, then the comparison and downloads.</summary>
public sealed partial class JobDetail : IDisposable
{
    private UpscaleJob? job;
    private StoredImage? image;
    private List<UpscaleJob> others = [];
    private Guid? compareWith;
    private int position;
    private string userId = "";
    // Canceled when the page closes: a load still running then stops, and nothing is subscribed after it.
    // Never disposed, so a load finishing late can still read it.
    private readonly CancellationTokenSource closed = new();
    private IDisposable? updates;
    private ITimer? poll;

    [Inject]
    private IServiceScopeFactory Scopes { get; set; } = default!;

    [Inject]
    private IDbContextFactory<PortalDbContext> Databases { get; set; } = default!;

    [Inject]
    private JobEvents Events { get; set; } = default!;

    [Inject]
    private TimeProvider Clock { get; set; } = default!;

    [Inject]
    private NavigationManager Navigation { get; set; } = default!;

    [Parameter]
    public Guid Id { get; set; }

    [CascadingParameter]
    private Task<AuthenticationState> AuthenticationState { get; set; } = default!;

    private int Percent => job is null || job.TilesTotal == 0 ? 0 : (int)(100.0 * job.TilesDone / job.TilesTotal);

    private TimeSpan Elapsed => job?.StartedAt is { } started ? Clock.GetUtcNow().UtcDateTime - started : TimeSpan.Zero;

    private TimeSpan? Eta => job is { TilesDone: > 0 } j && j.TilesTotal > j.TilesDone
        ? Elapsed * ((double)(j.TilesTotal - j.TilesDone) / j.TilesDone)
        : null;

    private string BeforeUrl => compareWith is { } other ? $"api/jobs/{other}/result" : $"api/images/{image!.Id}";

    private string BeforeLabel => compareWith is { } other && others.Find(o => o.Id == other) is { } o
        ? $"{o.Quality} {o.Scale}x"
        : "Original";

    protected override async Task OnInitializedAsync()
    {
        userId = (await AuthenticationState).User.FindFirstValue(ClaimTypes.NameIdentifier)!;
        await LoadAsync();
        if (job is null || closed.IsCancellationRequested)
        {
            return;
        }

        updates = Events.Subscribe(OnChangedAsync);
        // Progress from workers in other processes arrives through the database.
        poll = Clock.CreateTimer(_ => InvokeAsync(RefreshIfActiveAsync), null, TimeSpan.FromSeconds(3), TimeSpan.FromSeconds(3));
    }

    private async Task LoadAsync()
    {
        closed.Token.ThrowIfCancellationRequested();
        await using var db = await Databases.CreateDbContextAsync(closed.Token);
        job = await db.Jobs.AsNoTracking().OwnedBy(userId).FirstOrDefaultAsync(j => j.Id == Id, closed.Token);
        if (job is null)
        {
            // Another account's job and a missing (or just deleted) one look the same: a real 404, like the file endpoints.
            Navigation.NotFound();
            return;
        }

        image = await db.Images.AsNoTracking().OwnedBy(userId).FirstOrDefaultAsync(i => i.Id == job.ImageId, closed.Token);
        await using (var scope = Scopes.CreateAsyncScope())
        {
            position = await scope.ServiceProvider.GetRequiredService<JobService>().QueuePositionAsync(job, closed.Token);
        }

        others = await db.Jobs.AsNoTracking()
            .OwnedBy(userId).Where(j => j.ImageId == job.ImageId && j.Id != job.Id && j.Status == JobStatus.Succeeded)
            .OrderBy(j => j.CreatedAt).ToListAsync(closed.Token);
    }

    /// <summary>Runs on this page's own subscription reader, never on the worker that published the update.</summary>
    private async Task OnChangedAsync(JobUpdate update)
    {
        if (update.JobId != Id)
        {
            return;
        }

        await InvokeAsync(async () =>
        {
            if (job is null)
            {
                return;
            }

            if (update.Status == JobStatus.Running && job.Status == JobStatus.Running)
            {
                job.TilesDone = update.TilesDone;
                job.TilesTotal = update.TilesTotal;
            }
            else
            {
                await LoadAsync();
            }

            StateHasChanged();
        });
    }

    private async Task RefreshIfActiveAsync()
    {
        if (job is { Status: JobStatus.Queued or JobStatus.Running })
        {
            await LoadAsync();
            StateHasChanged();
        }
    }

    private async Task CancelAsync()
    {
        await using var scope = Scopes.CreateAsyncScope();
        await scope.ServiceProvider.GetRequiredService<JobService>().CancelAsync(userId, Id);
        await LoadAsync();
    }

    private static string Format(TimeSpan time) =>
        time.TotalHours >= 1 ? $"{(int)time.TotalHours} h {time.Minutes} min"
        : time.TotalMinutes >= 1 ? $"{(int)time.TotalMinutes} min {time.Seconds} s"
        : $"{Math.Max(0, time.TotalSeconds):0.0} s";

    public void Dispose()
    {
        closed.Cancel();
        updates?.Dispose();
        poll?.Dispose();
    }
}
