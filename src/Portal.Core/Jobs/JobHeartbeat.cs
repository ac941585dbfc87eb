using Microsoft.Extensions.DependencyInjection;
using Portal.Engine;

namespace Portal.Core.Jobs;

/// <summary>
/// Receives the engine's tile progress and pushes every tile to open pages at once. Once a second, tiles or
/// not (a model may be converting on first use), it writes progress, renews the lease and checks whether
/// the person asked to cancel.
/// </summary>
internal sealed class JobHeartbeat : IProgress<UpscaleProgress>, IAsyncDisposable
{
    private readonly IServiceScopeFactory scopes;
    private readonly TimeProvider clock;
    private readonly UpscaleJob job;
    private readonly string workerId;
    private readonly JobEvents events;
    private readonly CancellationTokenSource cancel;
    private readonly CancellationTokenSource stop = new();
    private readonly Task loop;
    private UpscaleProgress latest;

    public JobHeartbeat(IServiceScopeFactory scopes, TimeProvider clock, UpscaleJob job, string workerId, JobEvents events, CancellationTokenSource cancel)
    {
        (this.scopes, this.clock, this.job, this.workerId, this.events, this.cancel) = (scopes, clock, job, workerId, events, cancel);
        loop = BeatAsync();
    }

    public bool CancelRequested { get; private set; }

    public void Report(UpscaleProgress value)
    {
        latest = value;
        events.Publish(new JobUpdate(job.Id, job.UserId, JobStatus.Running, value.TilesDone, value.TilesTotal, null));
    }

    private async Task BeatAsync()
    {
        using var timer = new PeriodicTimer(TimeSpan.FromSeconds(1), clock);
        try
        {
            while (await timer.WaitForNextTickAsync(stop.Token))
            {
                await WriteAsync(latest);
            }
        }
        catch (OperationCanceledException)
        {
        }
    }

    private async Task WriteAsync(UpscaleProgress value)
    {
        try
        {
            await using var scope = scopes.CreateAsyncScope();
            var queue = scope.ServiceProvider.GetRequiredService<JobQueue>();
            if (await queue.RenewAsync(job.Id, workerId, value.TilesDone, value.TilesTotal, stop.Token))
            {
                CancelRequested = true;
                await cancel.CancelAsync();
            }
        }
        catch (Exception) when (!stop.IsCancellationRequested)
        {
            // A missed beat only shortens the lease; the next second tries again.
        }
    }

    public async ValueTask DisposeAsync()
    {
        await stop.CancelAsync();
        try
        {
            await loop;
        }
        catch (OperationCanceledException)
        {
        }

        stop.Dispose();
    }
}
