using System.Diagnostics;
using System.Globalization;

namespace Portal.Tests.Infrastructure;

/// <summary>
/// One Debian redis-server (installed by scripts/test.sh) for the whole test run, on a free loopback port, with
/// nothing written to disk; stopped when the test process ends.
/// </summary>
public static class RedisServer
{
    private static readonly Lazy<int> Port = new(Start, LazyThreadSafetyMode.ExecutionAndPublication);

    public static string Configuration => $"127.0.0.1:{Port.Value}";

    /// <summary>A loopback port where nothing listens: Redis that is down.</summary>
    public static string Unreachable => $"127.0.0.1:{LoopbackService.FreePort()},connectTimeout=500";

    private static int Start()
    {
        const string program = "/usr/bin/redis-server";
        if (!File.Exists(program))
        {
            throw new InvalidOperationException("redis-server is not installed: run scripts/test.sh, or `apt-get install redis-server`.");
        }

        var port = LoopbackService.FreePort();
        var process = LoopbackService.Start(new ProcessStartInfo(program)
        {
            ArgumentList = { "--port", port.ToString(CultureInfo.InvariantCulture), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no" },
        });
        LoopbackService.WaitUntilListening(process, port, TimeSpan.FromSeconds(20), "redis-server");
        return port;
    }
}
