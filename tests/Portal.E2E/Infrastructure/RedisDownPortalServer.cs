using System.Net;
using System.Net.Sockets;

namespace Portal.E2E.Infrastructure;

/// <summary>
/// A web node that runs no jobs and is configured for Redis where nothing answers: job events from another node
/// cannot reach it, so its pages can only learn of progress by polling the database.
/// </summary>
public sealed class RedisDownPortalServer : PortalServer
{
    /// <summary>A loopback port where nothing listens (a short connect timeout keeps start-up quick).</summary>
    public static readonly string UnreachableRedis = $"127.0.0.1:{FreePort()},connectTimeout=500";

    protected override void Configure(Dictionary<string, string> settings)
    {
        settings["Jobs:RunWorker"] = "false";
        settings["Redis:Configuration"] = UnreachableRedis;
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
