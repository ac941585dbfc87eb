using System.Diagnostics;
using System.Text;

namespace Portal.Tests.Infrastructure;

/// <summary>
/// A worker-only node as its own operating-system process (src/Portal.Worker, built next to the tests), pointed
/// at the test portal's SQLite file and blob container through environment variables, as a deployment would be.
/// </summary>
public sealed class WorkerProcess : IDisposable
{
    private readonly Process process;
    private readonly StringBuilder output = new();

    private WorkerProcess(Process process)
    {
        this.process = process;
        process.OutputDataReceived += (_, e) => Append(e.Data);
        process.ErrorDataReceived += (_, e) => Append(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
    }

    public int Id => process.Id;

    public bool HasExited => process.HasExited;

    public int ExitCode => process.ExitCode;

    public string Output
    {
        get
        {
            lock (output)
            {
                return output.ToString();
            }
        }
    }

    public static WorkerProcess Start(BlobPortalFactory portal, IDictionary<string, string>? settings = null)
    {
        var program = Path.Combine(AppContext.BaseDirectory, "Portal.Worker.dll");
        Assert.True(File.Exists(program), $"The worker host was not built next to the tests: {program}");
        var start = new ProcessStartInfo("dotnet")
        {
            ArgumentList = { "exec", program },
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.Environment["DOTNET_ENVIRONMENT"] = "Development";
        start.Environment["Storage__DataPath"] = portal.DataPath;
        start.Environment["Storage__Provider"] = "AzureBlob";
        start.Environment["Storage__AzureBlob__ConnectionString"] = portal.ConnectionString;
        start.Environment["Storage__AzureBlob__Container"] = portal.Container;
        start.Environment["Engine__UseGpu"] = "false";
        start.Environment["Engine__CpuThreads"] = "1";
        start.Environment["Jobs__PollSeconds"] = "1";
        start.Environment["Logging__LogLevel__Default"] = "Information";
        start.Environment["Logging__LogLevel__Microsoft.EntityFrameworkCore"] = "Warning";
        foreach (var (key, value) in settings ?? new Dictionary<string, string>())
        {
            start.Environment[key] = value;
        }

        return new WorkerProcess(Process.Start(start)!);
    }

    /// <summary>Stops the process at once, as a crash or a lost machine would.</summary>
    public void Kill() => process.Kill(entireProcessTree: true);

    /// <summary>Sends SIGTERM, as <c>docker stop</c> or a Kubernetes scale-down does.</summary>
    public void Terminate()
    {
        using var kill = Process.Start(new ProcessStartInfo("kill") { ArgumentList = { "-TERM", process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture) } })!;
        kill.WaitForExit();
    }

    public async Task<bool> WaitForExitAsync(TimeSpan timeout)
    {
        using var cancel = new CancellationTokenSource(timeout);
        try
        {
            await process.WaitForExitAsync(cancel.Token);
            return true;
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }

    public void Dispose()
    {
        if (!process.HasExited)
        {
            process.Kill(entireProcessTree: true);
            process.WaitForExit(5000);
        }

        process.Dispose();
    }

    private void Append(string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (output)
        {
            output.AppendLine(line);
        }
    }
}
