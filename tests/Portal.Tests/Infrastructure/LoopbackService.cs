using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace Portal.Tests.Infrastructure;

/// <summary>Helpers for the services the tests start themselves (Azurite, redis-server) on loopback ports.</summary>
public static class LoopbackService
{
    public static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    /// <summary>Starts the program with its output drained, and stops it when the test process ends.</summary>
    public static Process Start(ProcessStartInfo start)
    {
        start.RedirectStandardOutput = true;
        start.RedirectStandardError = true;
        start.UseShellExecute = false;
        var process = Process.Start(start)!;
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, _) => { };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        RecordForTheTestScript(process);
        AppDomain.CurrentDomain.ProcessExit += (_, _) =>
        {
            try
            {
                process.Kill(entireProcessTree: true);
            }
            catch (InvalidOperationException)
            {
                // Already gone.
            }
        };
        return process;
    }

    /// <summary>
    /// The test runner may end a test host without its exit handlers (a hang, a crash), which would leave the
    /// service running; scripts/test.sh names a file here and stops every process listed in it when it ends.
    /// </summary>
    private static void RecordForTheTestScript(Process process)
    {
        var file = Environment.GetEnvironmentVariable("PORTAL_TEST_SERVICE_PIDS");
        if (!string.IsNullOrEmpty(file))
        {
            File.AppendAllText(file, process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture) + "\n");
        }
    }

    /// <summary>Waits until something accepts connections on the port; fails if the process ends first.</summary>
    public static void WaitUntilListening(Process process, int port, TimeSpan timeout, string name)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            if (process.HasExited)
            {
                throw new InvalidOperationException($"{name} exited with code {process.ExitCode} before it listened on port {port}.");
            }

            try
            {
                using var client = new TcpClient();
                client.Connect(IPAddress.Loopback, port);
                return;
            }
            catch (SocketException) when (DateTime.UtcNow < deadline)
            {
                Thread.Sleep(100);
            }
        }
    }
}
