using System.Diagnostics;
using System.Globalization;

namespace Portal.Training;

/// <summary>
/// One line of progress: bar, step, smoothed loss, seconds per step and ETA. Redraws in place on
/// a terminal; writes a line every few percent when the output goes to a log file.
/// </summary>
internal sealed class ProgressBar(TextWriter output, int firstStep, int stop)
{
    private readonly int start = firstStep;
    private readonly Stopwatch clock = Stopwatch.StartNew();
    private readonly bool interactive = ReferenceEquals(output, Console.Out) && !Console.IsOutputRedirected;
    private double smoothed = double.NaN;
    private int lastLogged = firstStep;

    public void Report(int step, double loss)
    {
        smoothed = double.IsNaN(smoothed) ? loss : 0.95 * smoothed + 0.05 * loss;
        var logEvery = Math.Max(1, (stop - start) / 50);
        if (!interactive && step - lastLogged < logEvery && step != stop)
        {
            return;
        }
        lastLogged = step;
        var perStep = clock.Elapsed.TotalSeconds / Math.Max(1, step - start);
        var eta = TimeSpan.FromSeconds(perStep * (stop - step));
        var fraction = (double)step / Math.Max(1, stop);
        var filled = (int)Math.Round(fraction * 30);
        var line = string.Create(CultureInfo.InvariantCulture,
            $"[{new string('#', filled)}{new string('.', 30 - filled)}] {step}/{stop} loss {smoothed:F5} {perStep:F2} s/step ETA {eta:hh\\:mm\\:ss}");
        if (interactive)
        {
            output.Write("\r" + line);
        }
        else
        {
            output.WriteLine(line);
        }
    }

    public void Finish()
    {
        if (interactive)
        {
            output.WriteLine();
        }
    }
}
