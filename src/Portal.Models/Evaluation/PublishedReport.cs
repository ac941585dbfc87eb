using System.Text.Json;
using System.Text.Json.Serialization;
using Portal.Models.Evaluation.Metrics;

namespace Portal.Models.Evaluation;

/// <summary>
/// The numbers of a <c>models evaluate --tracks</c> run as JSON (<c>--json</c>), committed beside the
/// models so the portal's /models page shows what was measured without computing anything live.
/// </summary>
public sealed record PublishedReport(
    string Command,
    string Machine,
    IReadOnlyList<PublishedReport.Metric> Metrics,
    IReadOnlyList<PublishedReport.Set> Sets,
    IReadOnlyList<PublishedReport.Picture> Pictures)
{
    /// <summary>The file name the portal reads from the models folder.</summary>
    public const string FileName = "quality-report.json";

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        WriteIndented = true,
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.CamelCase) },
    };

    public sealed record Metric(string Id, string Label, bool LowerIsBetter, bool NeedsReference);

    /// <summary>One image folder at one scale: every method on every track.</summary>
    public sealed record Set(string Name, int Scale, IReadOnlyList<string> Images, IReadOnlyList<Row> Rows);

    /// <summary>A method's mean per metric on one track; <see cref="SecondsPerMegapixel"/> is null for resamplers and the originals.</summary>
    public sealed record Row(string Method, EvaluationTrack Track, IReadOnlyDictionary<string, double> Means, double? SecondsPerMegapixel);

    /// <summary>A picture strip: the same crop from every column, left to right.</summary>
    public sealed record Picture(string File, string Label, string Image, EvaluationTrack Track, int Scale, IReadOnlyList<string> Columns);

    public static PublishedReport From(
        string command, string machine, IReadOnlyList<IQualityMetric> metrics, IReadOnlyList<MeasurementReport.Set> sets, IReadOnlyList<MeasurementReport.Picture> pictures) =>
        new(
            command,
            machine,
            metrics.Select(m => new Metric(m.Id, m.Label, m.LowerIsBetter, m.NeedsReference)).ToList(),
            sets.SelectMany(set => set.Results.GroupBy(r => r.Scale).Select(group => new Set(
                set.Name,
                group.Key,
                set.ImageNames,
                group.Select(r => new Row(r.Method, r.Track, r.Means.ToDictionary(m => m.Key, m => Math.Round(m.Value, 4)), r.SecondsPerInputMegapixel is { } s ? Math.Round(s, 1) : null)).ToList())))
                .ToList(),
            pictures.Select(p => new Picture(Path.GetFileName(p.RelativePath), p.Crop.Label, p.Crop.ImageName, p.Track, p.Scale, p.Columns)).ToList());

    /// <summary>The row of a method on a track, or null.</summary>
    public Row? Find(string set, int scale, string method, EvaluationTrack track) =>
        Sets.FirstOrDefault(s => s.Name == set && s.Scale == scale)?.Rows.FirstOrDefault(r => r.Method == method && r.Track == track);

    public string ToJson() => JsonSerializer.Serialize(this, Json);

    public static PublishedReport Parse(string json) =>
        JsonSerializer.Deserialize<PublishedReport>(json, Json) ?? throw new InvalidDataException("The quality report is empty.");

    /// <summary>Reads the report; a missing or unreadable file gives null, so a page can say the numbers are not there.</summary>
    public static PublishedReport? TryLoad(string path)
    {
        try
        {
            return File.Exists(path) ? Parse(File.ReadAllText(path)) : null;
        }
        catch (Exception error) when (error is JsonException or InvalidDataException or IOException)
        {
            return null;
        }
    }
}
