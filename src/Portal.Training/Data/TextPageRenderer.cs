using System.Text;
using NetVips;
using Portal.Models.Degradation;
using Portal.Models.Evaluation;

namespace Portal.Training.Data;

/// <summary>
/// Renders screenshot-like pages with libvips' text renderer (Pango + fontconfig, the fonts
/// installed from Debian packages): paragraphs, headings, code, buttons and table rows in light,
/// dark and coloured themes. Glyphs are 11-44 px: an x2 model's targets are what a screen's 6-22 px text looks like
/// at twice the size, so its inputs (the half-size pages) hold the text sizes screenshots actually have. Pages of
/// 9-28 px text (the first renderer) shrink to 4-14 px inputs whose small glyphs no x2 network can restore (see
/// docs/TRAINING.md). Same seed, same page.
/// </summary>
public sealed class TextPageRenderer(IReadOnlyList<string> fontFamilies, TextCorpus corpus)
{
    public const int Width = 640;
    public const int Height = 480;

    private static readonly string[] UiLabels =
    [
        "OK", "Cancel", "Save", "Open", "Settings", "Upload", "Download", "Sign in", "Log out", "Apply", "Next", "Back",
        "Delete", "Edit", "Share", "Search", "File", "View", "Help", "Close", "Export", "Import", "Retry", "Details",
    ];

    public RgbImage Render(ulong seed)
    {
        var random = new SeededRandom(seed);
        var (background, foreground, accent) = Theme(random);
        var page = new float[3 * Width * Height];
        Fill(page, 0, 0, Width, Height, background);
        var y = random.NextInt(4, 16);
        while (y < Height - 8)
        {
            var x = random.NextInt(4, 24);
            var kind = random.Choose([0.45, 0.15, 0.15, 0.15, 0.10]);
            var family = fontFamilies[random.NextInt(0, fontFamilies.Count - 1)];
            int used;
            switch (kind)
            {
                case 0: // paragraph
                    used = DrawText(page, x, y, Width - x - random.NextInt(4, 120), $"{family} {random.NextInt(11, 30)}",
                        corpus.Excerpt(random, random.NextInt(60, 420)), foreground, random.NextInt(0, 3));
                    break;
                case 1: // heading
                    used = DrawText(page, x, y, Width - x - 8, $"{family} Bold {random.NextInt(18, 44)}", corpus.Excerpt(random, random.NextInt(8, 40)),
                        random.NextDouble() < 0.3 ? accent : foreground, 0);
                    break;
                case 2: // code
                    used = DrawText(page, x, y, Width - x - 8, $"{MonoFamily(family)} {random.NextInt(11, 24)}", corpus.Code(random, random.NextInt(2, 7)), foreground, 0);
                    break;
                case 3: // a row of buttons
                    used = DrawButtons(page, x, y, random, foreground, accent, background, family);
                    break;
                default: // table rows with rules
                    used = DrawTable(page, x, y, random, foreground, family);
                    break;
            }
            y += used + random.NextInt(4, 18);
        }
        return new RgbImage(Width, Height, page);
    }

    private static string MonoFamily(string family) => family.Contains("Mono", StringComparison.Ordinal) ? family : "DejaVu Sans Mono";

    private static (float[] Background, float[] Foreground, float[] Accent) Theme(SeededRandom random)
    {
        float[] Grey(double level) => [(float)level, (float)level, (float)level];
        float[] Colour() => [(float)random.NextDouble(), (float)random.NextDouble(), (float)random.NextDouble()];
        float[] accent = [(float)random.Uniform(0, 0.4), (float)random.Uniform(0.2, 0.6), (float)random.Uniform(0.5, 0.95)];
        switch (random.Choose([0.65, 0.2, 0.15]))
        {
            case 0:
                return (Grey(random.Uniform(0.9, 1)), Grey(random.Uniform(0, 0.35)), accent);
            case 1:
                return (Grey(random.Uniform(0.08, 0.2)), Grey(random.Uniform(0.75, 1)), [accent[2], accent[1], accent[0]]);
            default:
                var background = Colour();
                var luma = 0.299 * background[0] + 0.587 * background[1] + 0.114 * background[2];
                return (background, luma > 0.5 ? Grey(random.Uniform(0, 0.2)) : Grey(random.Uniform(0.85, 1)), accent);
        }
    }

    /// <summary>Renders text wrapped to <paramref name="width"/> and blends it in; returns the height used.</summary>
    private static int DrawText(float[] page, int x, int y, int width, string font, string text, float[] colour, int alignment)
    {
        if (width < 40 || text.Length == 0)
        {
            return 0;
        }
        using var mask = Image.Text(Escape(text), font: font, width: width, dpi: 72, align: (Enums.Align)Math.Min(alignment, 2),
            justify: alignment == 3);
        var alpha = mask.WriteToMemory<byte>();
        Blend(page, x, y, mask.Width, mask.Height, alpha, colour);
        return mask.Height;
    }

    private int DrawButtons(float[] page, int x, int y, SeededRandom random, float[] foreground, float[] accent, float[] background, string family)
    {
        var size = random.NextInt(11, 24);
        var height = size + size / 2 + 6;
        var count = random.NextInt(1, 5);
        for (var i = 0; i < count && x < Width - 60; i++)
        {
            var label = UiLabels[random.NextInt(0, UiLabels.Length - 1)];
            using var mask = Image.Text(Escape(label), font: $"{family} {size}", dpi: 72);
            var width = mask.Width + 20;
            var filled = random.NextDouble() < 0.5;
            if (filled)
            {
                Fill(page, x, y, width, height, accent);
            }
            else
            {
                Outline(page, x, y, width, height, foreground);
            }
            var textColour = filled ? (Luma(accent) > 0.5 ? [0f, 0f, 0f] : [1f, 1f, 1f]) : foreground;
            Blend(page, x + 10, y + (height - mask.Height) / 2, mask.Width, mask.Height, mask.WriteToMemory<byte>(), textColour);
            x += width + random.NextInt(6, 16);
        }
        _ = background;
        return height;
    }

    private int DrawTable(float[] page, int x, int y, SeededRandom random, float[] foreground, string family)
    {
        var rows = random.NextInt(2, 5);
        var size = random.NextInt(11, 22);
        var rowHeight = size + size / 2 + 4;
        var columns = random.NextInt(2, 4);
        var columnWidth = (Width - 2 * x) / columns;
        for (var r = 0; r < rows && y + (r + 1) * rowHeight < Height; r++)
        {
            var top = y + r * rowHeight;
            Fill(page, x, top + rowHeight - 1, columns * columnWidth, 1, foreground);
            for (var c = 0; c < columns; c++)
            {
                var cell = c == 0 ? corpus.Excerpt(random, random.NextInt(5, 18)) : corpus.Number(random);
                var weight = r == 0 ? " Bold" : "";
                DrawText(page, x + c * columnWidth + 4, top + 3, columnWidth - 8, $"{family}{weight} {size}", cell, foreground, 0);
            }
        }
        return rows * rowHeight;
    }

    private static float Luma(float[] colour) => 0.299f * colour[0] + 0.587f * colour[1] + 0.114f * colour[2];

    private static void Blend(float[] page, int x, int y, int width, int height, byte[] alpha, float[] colour)
    {
        const int area = Width * Height;
        for (var row = 0; row < height; row++)
        {
            var py = y + row;
            if (py < 0 || py >= Height) continue;
            for (var column = 0; column < width; column++)
            {
                var px = x + column;
                if (px < 0 || px >= Width) continue;
                var a = alpha[row * width + column] / 255f;
                if (a == 0) continue;
                var index = py * Width + px;
                for (var c = 0; c < 3; c++)
                {
                    page[c * area + index] = page[c * area + index] * (1 - a) + colour[c] * a;
                }
            }
        }
    }

    private static void Fill(float[] page, int x, int y, int width, int height, float[] colour)
    {
        const int area = Width * Height;
        for (var py = Math.Max(y, 0); py < Math.Min(y + height, Height); py++)
        {
            for (var px = Math.Max(x, 0); px < Math.Min(x + width, Width); px++)
            {
                for (var c = 0; c < 3; c++)
                {
                    page[c * area + py * Width + px] = colour[c];
                }
            }
        }
    }

    private static void Outline(float[] page, int x, int y, int width, int height, float[] colour)
    {
        Fill(page, x, y, width, 1, colour);
        Fill(page, x, y + height - 1, width, 1, colour);
        Fill(page, x, y, 1, height, colour);
        Fill(page, x + width - 1, y, 1, height, colour);
    }

    /// <summary>libvips text takes Pango markup.</summary>
    private static string Escape(string text)
    {
        var builder = new StringBuilder(text.Length);
        foreach (var ch in text)
        {
            builder.Append(ch switch { '&' => "&amp;", '<' => "&lt;", '>' => "&gt;", _ => ch.ToString() });
        }
        return builder.ToString();
    }
}
