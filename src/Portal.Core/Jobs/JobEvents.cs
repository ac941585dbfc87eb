using System.Threading.Channels;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Portal.Core.Jobs;

/// <summary>
/// In-process signals: submitting wakes the worker at once, and the worker's progress reaches open pages.
/// Correctness never depends on these (the database decides who runs what); they only remove waiting.
/// Each subscriber gets its own bounded channel and reader, so a slow or failing page never delays the
/// worker that publishes, nor any other page.
/// </summary>
public sealed partial class JobEvents(ILogger<JobEvents>? logger = null)
{
    /// <summary>Updates a subscriber may fall behind by; beyond that the oldest are dropped (the newest state wins).</summary>
    public const int SubscriberCapacity = 64;

    private readonly ILogger log = logger ?? NullLogger<JobEvents>.Instance;
    private readonly Channel<bool> wake = Channel.CreateBounded<bool>(new BoundedChannelOptions(1)
    {
        FullMode = BoundedChannelFullMode.DropWrite,
    });

    private readonly Lock gate = new();
    private Subscription[] subscribers = [];

    /// <summary>Open subscriptions (pages listening for job updates).</summary>
    public int SubscriberCount => Volatile.Read(ref subscribers).Length;

    /// <summary>Raised for each update published in this process, so a relay can forward it to other nodes.</summary>
    public event Action<JobUpdate>? Published;

    /// <summary>Raised when this process asks for a worker, so a relay can wake the workers of other nodes.</summary>
    public event Action? WakeRequested;

    public void WakeWorker()
    {
        WakeLocalWorker();
        WakeRequested?.Invoke();
    }

    /// <summary>Wakes this process's worker only (a wake-up that came from another node).</summary>
    public void WakeLocalWorker() => wake.Writer.TryWrite(true);

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

    /// <summary>Hands the update to every subscriber's channel and returns at once; it never runs a subscriber's code.</summary>
    public void Publish(JobUpdate update)
    {
        Deliver(update);
        Published?.Invoke(update);
    }

    /// <summary>Hands an update to this process's subscribers only (an update that came from another node).</summary>
    public void Deliver(JobUpdate update)
    {
        foreach (var subscriber in Volatile.Read(ref subscribers))
        {
            subscriber.Offer(update);
        }
    }

    /// <summary>
    /// Calls <paramref name="handler"/> for each update, one at a time, on a reader of its own. Exceptions from the
    /// handler are logged and the next update is still delivered. Dispose the result to stop (pages: in Dispose).
    /// </summary>
    public IDisposable Subscribe(Func<JobUpdate, Task> handler)
    {
        var subscription = new Subscription(this, handler);
        lock (gate)
        {
            subscribers = [.. subscribers, subscription];
        }

        subscription.Start();
        return subscription;
    }

    private void Remove(Subscription subscription)
    {
        lock (gate)
        {
            subscribers = Array.FindAll(subscribers, s => s != subscription);
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "A job update subscriber failed; it keeps receiving later updates.")]
    private partial void LogSubscriberFailed(Exception error);

    private sealed class Subscription(JobEvents owner, Func<JobUpdate, Task> handler) : IDisposable
    {
        private readonly Channel<JobUpdate> updates = Channel.CreateBounded<JobUpdate>(new BoundedChannelOptions(SubscriberCapacity)
        {
            FullMode = BoundedChannelFullMode.DropOldest,
            SingleReader = true,
        });

        private readonly CancellationTokenSource stop = new();

        public void Offer(JobUpdate update) => updates.Writer.TryWrite(update);

        public void Start() => _ = Task.Run(PumpAsync);

        private async Task PumpAsync()
        {
            try
            {
                await foreach (var update in updates.Reader.ReadAllAsync(stop.Token))
                {
                    try
                    {
                        await handler(update);
                    }
                    catch (Exception error)
                    {
                        if (!stop.IsCancellationRequested)
                        {
                            owner.LogSubscriberFailed(error);
                        }
                    }
                }
            }
            catch (OperationCanceledException)
            {
                // Disposed: updates still queued are not delivered to a closed page.
            }
        }

        public void Dispose()
        {
            owner.Remove(this);
            updates.Writer.TryComplete();
            stop.Cancel();
        }
    }
}
