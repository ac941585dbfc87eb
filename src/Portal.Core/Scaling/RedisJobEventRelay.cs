using System.Text.Json;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Portal.Core.Jobs;
using StackExchange.Redis;

namespace Portal.Core.Scaling;

/// <summary>
/// Carries <see cref="JobEvents"/> between nodes over Redis pub/sub: progress from a worker node reaches pages on
/// every web node, and a submit on a web node wakes the workers at once. Like the in-process events, nothing
/// depends on it: when Redis is down, messages are dropped, pages keep polling the database and workers keep
/// polling the queue; the client reconnects by itself.
/// </summary>
public sealed partial class RedisJobEventRelay(JobEvents events, IOptions<RedisOptions> options, ILogger<RedisJobEventRelay> logger)
    : IHostedService, IHealthCheck, IAsyncDisposable
{
    // Our own messages come back to us from the channel: the node id tells them apart.
    private readonly string node = Guid.NewGuid().ToString("N");
    private ConnectionMultiplexer? redis;
    private RedisChannel channel;
    private int failuresLogged;

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var configuration = ConfigurationOptions.Parse(options.Value.Configuration);
        configuration.AbortOnConnectFail = false; // start even when Redis is down, and keep trying
        configuration.ClientName = $"upscale-portal-{node[..8]}";
        redis = await ConnectionMultiplexer.ConnectAsync(configuration);
        channel = RedisChannel.Literal(options.Value.Channel);
        // Fire and forget: with Redis down the subscription is still registered, and the client makes it on reconnect.
        redis.GetSubscriber().Subscribe(channel, (_, message) => Receive(message), CommandFlags.FireAndForget);
        events.Published += Send;
        events.WakeRequested += SendWake;
        LogStarted(options.Value.Channel, redis.IsConnected);
    }

    public Task StopAsync(CancellationToken cancellationToken)
    {
        events.Published -= Send;
        events.WakeRequested -= SendWake;
        return Task.CompletedTask;
    }

    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default) =>
        Task.FromResult(redis is { IsConnected: true }
            ? HealthCheckResult.Healthy("Redis answers: job events reach every node.")
            : HealthCheckResult.Degraded("Redis is unreachable: pages fall back to polling the database, workers to polling the queue."));

    public async ValueTask DisposeAsync()
    {
        if (redis is not null)
        {
            await redis.DisposeAsync();
        }
    }

    private void Send(JobUpdate update) => Post(new RelayMessage(node, update));

    private void SendWake() => Post(new RelayMessage(node, null));

    private void Post(RelayMessage message)
    {
        if (redis is null)
        {
            return;
        }

        try
        {
            redis.GetSubscriber().Publish(channel, JsonSerializer.Serialize(message), CommandFlags.FireAndForget);
            Interlocked.Exchange(ref failuresLogged, 0);
        }
        catch (RedisException e)
        {
            // Once per outage, not once per tile.
            if (Interlocked.Exchange(ref failuresLogged, 1) == 0)
            {
                LogPublishFailed(e);
            }
        }
    }

    private void Receive(RedisValue value)
    {
        RelayMessage? message;
        try
        {
            message = JsonSerializer.Deserialize<RelayMessage>(value.ToString());
        }
        catch (JsonException)
        {
            return; // not ours
        }

        if (message is null || message.Node == node)
        {
            return;
        }

        if (message.Update is { } update)
        {
            events.Deliver(update);
        }
        else
        {
            events.WakeLocalWorker();
        }
    }

    /// <summary>An update, or a wake-up for the workers when <see cref="Update"/> is null.</summary>
    private sealed record RelayMessage(string Node, JobUpdate? Update);

    [LoggerMessage(Level = LogLevel.Information, Message = "Job events relayed through Redis channel {Channel} (connected: {Connected})")]
    private partial void LogStarted(string channel, bool connected);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Redis is unreachable: job events stay on this node until it is back (pages poll meanwhile)")]
    private partial void LogPublishFailed(Exception exception);
}
