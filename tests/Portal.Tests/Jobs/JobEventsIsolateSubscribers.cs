using System.Threading.Channels;
using Portal.Core.Jobs;

namespace Portal.Tests.Jobs;

/// <summary>
/// Job updates reach each open page through its own bounded channel: the worker that publishes never runs a
/// page's code, so a page that throws or hangs delays neither the worker nor the other pages.
/// </summary>
public sealed class JobEventsIsolateSubscribers
{
    private static JobUpdate Update(int tile) => new(Guid.Empty, "user", JobStatus.Running, tile, 100, null);

    [Fact]
    public async Task A_hanging_and_a_throwing_subscriber_neither_block_the_publisher_nor_starve_another_subscriber()
    {
        var events = new JobEvents();
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var hangingEntered = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var throwingCalls = 0;
        var healthy = Channel.CreateUnbounded<int>();

        using var hanging = events.Subscribe(async _ =>
        {
            hangingEntered.TrySetResult();
            await release.Task;
        });
        using var throwing = events.Subscribe(_ =>
        {
            Interlocked.Increment(ref throwingCalls);
            throw new InvalidOperationException("a broken page");
        });
        using var listening = events.Subscribe(update => healthy.Writer.WriteAsync(update.TilesDone).AsTask());
        Assert.Equal(3, events.SubscriberCount);

        const int count = 20;
        for (var tile = 1; tile <= count; tile++)
        {
            // Returns while the hanging subscriber is still inside its handler: the publisher never waits on it.
            events.Publish(Update(tile));
        }

        await hangingEntered.Task.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.False(release.Task.IsCompleted);

        var received = new List<int>();
        while (received.Count < count)
        {
            received.Add(await healthy.Reader.ReadAsync().AsTask().WaitAsync(TimeSpan.FromSeconds(10)));
        }

        Assert.Equal(Enumerable.Range(1, count), received);
        // The throwing subscriber was called for every update: one failure does not end its subscription.
        await WaitUntilAsync(() => Volatile.Read(ref throwingCalls) == count);
        release.SetResult();
    }

    [Fact]
    public async Task A_subscriber_that_falls_behind_keeps_the_newest_updates_and_the_publisher_never_blocks()
    {
        var events = new JobEvents();
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var seen = Channel.CreateUnbounded<int>();
        using var slow = events.Subscribe(async update =>
        {
            await release.Task;
            await seen.Writer.WriteAsync(update.TilesDone);
        });

        const int published = 1000;
        for (var tile = 1; tile <= published; tile++)
        {
            events.Publish(Update(tile));
        }

        release.SetResult();
        var received = new List<int>();
        while (received.Count == 0 || received[^1] != published)
        {
            received.Add(await seen.Reader.ReadAsync().AsTask().WaitAsync(TimeSpan.FromSeconds(10)));
        }

        // Bounded: at most the first (already being handled) plus the channel's capacity; the last is always kept.
        Assert.InRange(received.Count, 2, JobEvents.SubscriberCapacity + 1);
        Assert.Equal(published, received[^1]);
        Assert.True(received.SequenceEqual(received.Order()), "updates arrive in order");
    }

    [Fact]
    public async Task A_disposed_subscription_receives_nothing_more_and_is_forgotten()
    {
        var events = new JobEvents();
        var calls = 0;
        var subscription = events.Subscribe(_ =>
        {
            Interlocked.Increment(ref calls);
            return Task.CompletedTask;
        });
        events.Publish(Update(1));
        await WaitUntilAsync(() => Volatile.Read(ref calls) == 1);

        subscription.Dispose();
        Assert.Equal(0, events.SubscriberCount);
        events.Publish(Update(2));
        await Task.Delay(200);
        Assert.Equal(1, Volatile.Read(ref calls));
    }

    private static async Task WaitUntilAsync(Func<bool> condition)
    {
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (!condition())
        {
            Assert.True(DateTime.UtcNow < deadline, "timed out waiting for the subscriber");
            await Task.Delay(10);
        }
    }
}
