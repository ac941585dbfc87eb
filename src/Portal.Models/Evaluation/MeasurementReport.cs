using System.Globalization;
using System.Text;
using Portal.Models.Evaluation.Metrics;

namespace Portal.Models.Evaluation;

/// <summary>
/// The Measurements section of docs/MODELS.md: every metric on the clean and real-world tracks,
/// the issue's acceptance bar per candidate, and the picture crops. Kept between its own markers.
/// </summary>
public static class MeasurementReport
{
    public const string BeginMarker = "<!-- models evaluate --tracks: begin (generated, do not edit by hand) -->";
    public const string EndMarker = "<!-- models evaluate --tracks: end -->";

    /// <summary>Photo x4 on compressed, noisy input must leave no grid (blockiness within this of the clean original's).</summary>
    public const double BlockinessMargin = 0.1;

    /// <summary>... score BRISQUE under this ...</summary>
    public const double BrisqueLimit = 30;

    /// <summary>... and keep SSIM-Y within this of lanczos3's.</summary>
    public const double SsimMargin = 0.03;

    public sealed record Set(string Name, IReadOnlyList<string> ImageNames, IReadOnlyList<MethodScores> Results);

    public sealed record Picture(string RelativePath, CropSpec Crop, EvaluationTrack Track, int Scale, IReadOnlyList<string> Columns);

    public static string Render(IReadOnlyList<IQualityMetric> metrics, IReadOnlyList<Set> sets, IReadOnlyList<Picture> pictures, string command, string machine)
    {
        var text = new StringBuilder();
        text.AppendLine(BeginMarker);
        text.AppendLine(CultureInfo.InvariantCulture, $"Command: `{command}`  ");
        text.AppendLine(CultureInfo.InvariantCulture, $"Machine: {machine}");
        text.AppendLine();
        text.AppendLine("Metrics (↑ higher is better, ↓ lower is better; FR compares with the original, NR judges the result alone):");
        text.AppendLine();
        foreach (var metric in metrics)
        {
            text.AppendLine(CultureInfo.InvariantCulture, $"- **{metric.Label}** ({(metric.NeedsReference ? "FR" : "NR")}, {(metric.LowerIsBetter ? "↓" : "↑")}){(metric.Note is { } note ? ": " + note : "")}");
        }
        text.AppendLine();
        text.AppendLine("The row `original` is the clean originals themselves (no-reference metrics only): the value a perfect result would get.");
        text.AppendLine();
        foreach (var set in sets)
        {
            foreach (var scaleGroup in set.Results.GroupBy(r => r.Scale).OrderBy(g => g.Key))
            {
                var scale = scaleGroup.Key;
                text.AppendLine(CultureInfo.InvariantCulture, $"### {set.Name} x{scale}: {string.Join(", ", set.ImageNames)}");
                text.AppendLine();
                foreach (var trackGroup in scaleGroup.GroupBy(r => r.Track).OrderBy(g => g.Key))
                {
                    var track = trackGroup.Key;
                    text.AppendLine(CultureInfo.InvariantCulture, $"**{track.ToString().ToLowerInvariant()}** ({track.Describe(scale)})");
                    text.AppendLine();
                    text.AppendLine("| method | " + string.Join(" | ", metrics.Select(m => $"{m.Label} {(m.LowerIsBetter ? "↓" : "↑")}")) + " | s/MP |");
                    text.AppendLine("|---|" + string.Concat(metrics.Select(_ => "---:|")) + "---:|");
                    foreach (var result in trackGroup)
                    {
                        var cells = metrics.Select(m => result.Means.TryGetValue(m.Id, out var v) ? Format(m.Id, v) : "");
                        var seconds = result.SecondsPerInputMegapixel is { } s ? s.ToString("F1", CultureInfo.InvariantCulture) : "";
                        text.AppendLine(CultureInfo.InvariantCulture, $"| {result.Method} | {string.Join(" | ", cells)} | {seconds} |");
                    }
                    text.AppendLine();
                }
                RenderAcceptance(text, scaleGroup.ToList(), scale);
            }
        }
        if (pictures.Count > 0)
        {
            text.AppendLine("### Pictures");
            text.AppendLine();
            text.AppendLine("Each strip: the original, the model's input (enlarged with nearest neighbour: its pixels and JPEG blocks as they are), then each method, left to right in the order listed.");
            text.AppendLine();
            foreach (var picture in pictures)
            {
                text.AppendLine(CultureInfo.InvariantCulture, $"**x{picture.Scale} {picture.Track.ToString().ToLowerInvariant()}, {picture.Crop.Label}** ({picture.Crop.ImageName} at {picture.Crop.Left},{picture.Crop.Top}, {picture.Crop.Size} px): {string.Join(" · ", picture.Columns)}");
                text.AppendLine();
                text.AppendLine(CultureInfo.InvariantCulture, $"![x{picture.Scale} {picture.Track.ToString().ToLowerInvariant()} {picture.Crop.Label}]({picture.RelativePath})");
                text.AppendLine();
            }
        }
        text.AppendLine(EndMarker);
        return text.ToString();
    }

    /// <summary>The issue's bar for a photo upscale of JPEG-compressed, noisy input, per real-world track.</summary>
    private static void RenderAcceptance(StringBuilder text, List<MethodScores> results, int scale)
    {
        var realWorld = results.Where(r => r.Track != EvaluationTrack.Clean).GroupBy(r => r.Track).OrderBy(g => g.Key).ToList();
        if (realWorld.Count == 0 || results.All(r => !r.Means.ContainsKey("brisque")))
        {
            return;
        }
        text.AppendLine(CultureInfo.InvariantCulture,
            $"**Acceptance bar, x{scale}** (on compressed, noisy input: blockiness within {BlockinessMargin} of the clean original's, BRISQUE under {BrisqueLimit}, SSIM-Y within {SsimMargin} of lanczos3's)");
        text.AppendLine();
        text.AppendLine("| track | method | blockiness (original) | BRISQUE | SSIM-Y − lanczos3 | meets bar |");
        text.AppendLine("|---|---|---:|---:|---:|---|");
        foreach (var group in realWorld)
        {
            var original = group.FirstOrDefault(r => r.Method == TrackEvaluator.Original);
            var lanczos = group.FirstOrDefault(r => r.Method == ModelEvaluator.Lanczos3);
            foreach (var result in group.Where(r => r.Method != TrackEvaluator.Original))
            {
                var verdict = Verdict(result, original, lanczos);
                result.Means.TryGetValue("blockiness", out var blockiness);
                result.Means.TryGetValue("brisque", out var brisque);
                var originalBlockiness = original is not null && original.Means.TryGetValue("blockiness", out var ob) ? ob : double.NaN;
                var ssimDelta = lanczos is not null && result.Means.TryGetValue("ssim-y", out var ss) && lanczos.Means.TryGetValue("ssim-y", out var ls) ? ss - ls : double.NaN;
                text.AppendLine(string.Create(CultureInfo.InvariantCulture,
                    $"| {group.Key.ToString().ToLowerInvariant()} | {result.Method} | {blockiness:F3} ({originalBlockiness:F3}) | {brisque:F1} | {ssimDelta:+0.000;-0.000;0.000} | {verdict} |"));
            }
        }
        text.AppendLine();
    }

    /// <summary>"yes", or which parts of the bar a method misses.</summary>
    public static string Verdict(MethodScores result, MethodScores? original, MethodScores? lanczos)
    {
        var misses = new List<string>();
        if (original is not null && result.Means.TryGetValue("blockiness", out var b) && original.Means.TryGetValue("blockiness", out var ob) && Math.Abs(b - ob) > BlockinessMargin)
        {
            misses.Add("grid");
        }
        if (result.Means.TryGetValue("brisque", out var brisque) && brisque >= BrisqueLimit)
        {
            misses.Add("BRISQUE");
        }
        if (lanczos is not null && result.Means.TryGetValue("ssim-y", out var s) && lanczos.Means.TryGetValue("ssim-y", out var ls) && s < ls - SsimMargin)
        {
            misses.Add("SSIM");
        }
        return misses.Count == 0 ? "yes" : "no: " + string.Join(", ", misses);
    }

    private static string Format(string metricId, double value) => metricId switch
    {
        "psnr-y" or "brisque" or "niqe" => value.ToString("F2", CultureInfo.InvariantCulture),
        _ => value.ToString("F4", CultureInfo.InvariantCulture),
    };

    /// <summary>Replaces this section's block in an existing report, or appends it under a Measurements heading.</summary>
    public static string Merge(string? existing, string generated)
    {
        existing ??= "# Models\n";
        var begin = existing.IndexOf(BeginMarker, StringComparison.Ordinal);
        var end = existing.IndexOf(EndMarker, StringComparison.Ordinal);
        if (begin < 0 || end < begin)
        {
            return existing.TrimEnd() + "\n\n## Measurements\n\n" + generated;
        }
        var afterEnd = existing.IndexOf('\n', end);
        return existing[..begin] + generated + (afterEnd < 0 ? "" : existing[(afterEnd + 1)..]);
    }
}
