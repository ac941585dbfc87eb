using System.Diagnostics;

namespace Portal.Tests.Infrastructure;

/// <summary>
/// Another process of the portal (the web host built next to the tests) sharing a test portal's data folder, so
/// its database and files: a second node, as a deployment would run one. Its output is drained and dropped.
/// </summary>
public static class PortalProcess
{
    public static Process Start(string dataPath, IDictionary<string, string> settings)
    {
        var web = typeof(Program).Assembly.Location;
        var start = new ProcessStartInfo("dotnet", [web])
        {
            WorkingDirectory = Path.GetDirectoryName(web)!,
            UseShellExecute = false,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        start.Environment["ASPNETCORE_ENVIRONMENT"] = "Development";
        start.Environment["ASPNETCORE_URLS"] = "http://127.0.0.1:0";
        start.Environment["Storage__DataPath"] = dataPath;
        start.Environment["Logging__LogLevel__Default"] = "Warning";
        foreach (var (key, value) in settings)
        {
            start.Environment[key] = value;
        }

        var process = Process.Start(start)!;
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, _) => { };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return process;
    }
}
