using System.Globalization;
using NetVips;
using Portal.Models.Evaluation;

namespace Portal.Training;

/// <summary>The loss per step on a log scale (raw in grey, smoothed in blue), written as a PNG next to the run.</summary>
public static class LossCurve
{
    private const int Width = 720;
    private const int Height = 360;
    private const int Margin = 48;

    public static void Write(IReadOnlyList<Checkpoint.StepRecord> history, string path)
    {
        var planes = Enumerable.Repeat(1f, 3 * Width * Height).ToArray();
        if (history.Count >= 2)
        {
            var losses = history.Select(h => Math.Log10(Math.Max(h.Loss, 1e-8))).ToArray();
            var smoothed = new double[losses.Length];
            for (var i = 0; i < losses.Length; i++)
            {
                smoothed[i] = i == 0 ? losses[0] : 0.97 * smoothed[i - 1] + 0.03 * losses[i];
            }
            double low = losses.Min(), high = losses.Max();
            if (high - low < 1e-6) high = low + 1;
            int X(int i) => Margin + (int)((long)i * (Width - 2 * Margin) / (losses.Length - 1));
            int Y(double v) => Height - Margin - (int)((v - low) / (high - low) * (Height - 2 * Margin));
            for (var i = 1; i < losses.Length; i++)
            {
                Line(planes, X(i - 1), Y(losses[i - 1]), X(i), Y(losses[i]), [0.75f, 0.75f, 0.75f]);
            }
            for (var i = 1; i < losses.Length; i++)
            {
                Line(planes, X(i - 1), Y(smoothed[i - 1]), X(i), Y(smoothed[i]), [0.1f, 0.3f, 0.85f]);
            }
            Line(planes, Margin, Height - Margin, Width - Margin, Height - Margin, [0, 0, 0]);
            Line(planes, Margin, Margin, Margin, Height - Margin, [0, 0, 0]);
            var caption = string.Create(CultureInfo.InvariantCulture,
                $"training loss, log scale: {Math.Pow(10, high):G3} (top) to {Math.Pow(10, low):G3} (bottom); steps {history[0].Step} to {history[^1].Step}; blue: smoothed");
            Label(planes, caption, Margin, 12);
        }
        new RgbImage(Width, Height, planes).Save(path);
    }

    private static void Label(float[] planes, string text, int x, int y)
    {
        using var mask = Image.Text(text, font: "DejaVu Sans 11", dpi: 72);
        var alpha = mask.WriteToMemory<byte>();
        for (var row = 0; row < mask.Height && y + row < Height; row++)
        {
            for (var column = 0; column < mask.Width && x + column < Width; column++)
            {
                var a = alpha[row * mask.Width + column] / 255f;
                for (var c = 0; c < 3; c++)
                {
                    var index = c * Width * Height + (y + row) * Width + x + column;
                    planes[index] *= 1 - a;
                }
            }
        }
    }

    private static void Line(float[] planes, int x0, int y0, int x1, int y1, float[] colour)
    {
        int dx = Math.Abs(x1 - x0), dy = -Math.Abs(y1 - y0), sx = x0 < x1 ? 1 : -1, sy = y0 < y1 ? 1 : -1, error = dx + dy;
        while (true)
        {
            if (x0 is >= 0 and < Width && y0 is >= 0 and < Height)
            {
                for (var c = 0; c < 3; c++) planes[c * Width * Height + y0 * Width + x0] = colour[c];
            }
            if (x0 == x1 && y0 == y1) break;
            var doubled = 2 * error;
            if (doubled >= dy) { error += dy; x0 += sx; }
            if (doubled <= dx) { error += dx; y0 += sy; }
        }
    }
}
