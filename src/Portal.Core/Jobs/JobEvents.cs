using System.Threading.Channels;

namespace Portal.Core.Jobs;

/// <summary>
/// In-process signals: submitting wakes the worker at once, and the worker's progress reaches open pages.
/// Correctness never depends on these (the database decides who runs what); they only remove waiting.
/// </summary>
public sealed class JobEvents
{
    private readonly Channel<bool> wake = Channel.CreateBounded<bool>(new BoundedChannelOptions(1)
    {
        FullMode = BoundedChannelFullMode.DropWrite,
    });

    public event Action<JobUpdate>? Changed;

    public void WakeWorker() => wake.Writer.TryWrite(true);

    /// <summary>Waits for a wake-up or the timeout, whichever comes first.</summary>
    public async Task WaitForWorkAsync(TimeSpan timeout, CancellationToken cancellationToken)
    {
        using var timer = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timer.CancelAfter(timeout);
        try
        {
            await wake.Reader.ReadAsync(timer.Token);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            // Timed out: poll the database for jobs from other processes.
        }
    }

    public void Publish(JobUpdate update) => Changed?.Invoke(update);
}
