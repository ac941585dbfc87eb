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
    private readonly IServiceScopeFactory _scopes;
    private readonly TimeProvider _clock;
    private readonly UpscaleJob _job;
    private readonly string _workerId;
    private readonly JobEvents _events;
    private readonly CancellationTokenSource _cancel;
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _loop;
    private UpscaleProgress _latest;

    public JobHeartbeat(IServiceScopeFactory scopes, TimeProvider clock, UpscaleJob job, string workerId, JobEvents events, CancellationTokenSource cancel)
    {
        (_scopes, _clock, _job, _workerId, _events, _cancel) = (scopes, clock, job, workerId, events, cancel);
        _loop = BeatAsync();
    }

    public bool CancelRequested { get; private set; }

    public void Report(UpscaleProgress value)
    {
        _latest = value;
        _events.Publish(new JobUpdate(_job.Id, _job.UserId, JobStatus.Running, value.TilesDone, value.TilesTotal, null));
    }

    private async Task BeatAsync()
    {
        using var timer = new PeriodicTimer(TimeSpan.FromSeconds(1), _clock);
        try
        {
            while (await timer.WaitForNextTickAsync(_stop.Token))
            {
                await WriteAsync(_latest);
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
            await using var scope = _scopes.CreateAsyncScope();
            var queue = scope.ServiceProvider.GetRequiredService<JobQueue>();
            if (await queue.RenewAsync(_job.Id, _workerId, value.TilesDone, value.TilesTotal, _stop.Token))
            {
                CancelRequested = true;
                await _cancel.CancelAsync();
            }
        }
        catch (Exception) when (!_stop.IsCancellationRequested)
        {
            // A missed beat only shortens the lease; the next second tries again.
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        try
        {
            await _loop;
        }
        catch (OperationCanceledException)
        {
        }

        _stop.Dispose();
    }
}
