using System.Globalization;
using System.Text;

namespace Portal.Models.Evaluation;

/// <summary>
/// Writes the measured tables into docs/MODELS.md between two markers, keeping the
/// hand-written text around them.
/// </summary>
public static class QualityReport
{
    public const string BeginMarker = "<!-- models evaluate: begin (generated, do not edit by hand) -->";
    public const string EndMarker = "<!-- models evaluate: end -->";

    public static string Render(
        ModelManifest manifest,
        IReadOnlyDictionary<string, IReadOnlyList<string>> imageNamesBySet,
        IReadOnlyDictionary<string, IReadOnlyList<EvaluationResult>> resultsBySet)
    {
        var text = new StringBuilder();
        text.AppendLine(BeginMarker);
        foreach (var (set, results) in resultsBySet)
        {
            text.AppendLine(CultureInfo.InvariantCulture, $"### {set}: {string.Join(", ", imageNamesBySet[set])}");
            text.AppendLine();
            foreach (var scaleGroup in results.GroupBy(r => r.Scale).OrderBy(g => g.Key))
            {
                var lanczos = scaleGroup.First(r => r.Method == ModelEvaluator.Lanczos3);
                text.AppendLine(CultureInfo.InvariantCulture, $"**x{scaleGroup.Key}** (PSNR and SSIM on luma, mean over the images; time is CPU seconds per input megapixel on this machine)");
                text.AppendLine();
                text.AppendLine("| method | PSNR dB | vs lanczos3 | SSIM | per-image PSNR | s/MP | params | MFLOP/px | offered as |");
                text.AppendLine("|---|---:|---:|---:|---|---:|---:|---:|---|");
                foreach (var result in scaleGroup.OrderByDescending(r => r.Psnr))
                {
                    var entry = manifest.FindById(result.Method);
                    var offered = entry is null ? "" : string.Join(", ", entry.Offers.Select(o => $"{o.ContentType} {o.QualityLevel}".ToLowerInvariant()));
                    text.AppendLine(string.Create(CultureInfo.InvariantCulture,
                        $"| {result.Method} | {result.Psnr:F2} | {result.Psnr - lanczos.Psnr:+0.00;-0.00;0.00} | {result.Ssim:F4} | {string.Join(" / ", result.PsnrPerImage.Select(p => p.ToString("F2", CultureInfo.InvariantCulture)))} | {(result.SecondsPerInputMegapixel is { } s ? s.ToString("F1", CultureInfo.InvariantCulture) : "")} | {(entry is null ? "" : entry.Parameters.ToString("N0", CultureInfo.InvariantCulture))} | {(entry is null ? "" : (entry.FlopsPerInputPixel / 1e6).ToString("F2", CultureInfo.InvariantCulture))} | {offered} |"));
                }
                text.AppendLine();
            }
        }
        text.AppendLine(EndMarker);
        return text.ToString();
    }

    /// <summary>Replaces the generated block in an existing report, or appends it.</summary>
    public static string Merge(string? existing, string generated)
    {
        if (existing is null)
        {
            return "# Models\n\n" + generated;
        }
        var begin = existing.IndexOf(BeginMarker, StringComparison.Ordinal);
        var end = existing.IndexOf(EndMarker, StringComparison.Ordinal);
        if (begin < 0 || end < begin)
        {
            return existing.TrimEnd() + "\n\n" + generated;
        }
        var afterEnd = existing.IndexOf('\n', end);
        return existing[..begin] + generated + (afterEnd < 0 ? "" : existing[(afterEnd + 1)..]);
    }
}
