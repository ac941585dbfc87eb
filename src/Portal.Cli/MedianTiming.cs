using System.Diagnostics;

namespace Portal.Cli;

/// <summary>
/// Median wall and CPU time of an action (after one warm-up run). The CPU time is the whole process's
/// (all ONNX Runtime threads): on a shared machine it is the steadier figure.
/// </summary>
internal static class MedianTiming
{
    public static (double WallMs, double CpuMs) Measure(int runs, Action action)
    {
        action();
        var wall = new List<double>();
        var cpu = new List<double>();
        using var process = Process.GetCurrentProcess();
        for (var i = 0; i < runs; i++)
        {
            process.Refresh();
            var cpuBefore = process.TotalProcessorTime;
            var stopwatch = Stopwatch.StartNew();
            action();
            wall.Add(stopwatch.Elapsed.TotalMilliseconds);
            process.Refresh();
            cpu.Add((process.TotalProcessorTime - cpuBefore).TotalMilliseconds);
        }

        wall.Sort();
        cpu.Sort();
        return (wall[runs / 2], cpu[runs / 2]);
    }
}
