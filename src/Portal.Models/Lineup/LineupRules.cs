using System.Globalization;

namespace Portal.Models.Lineup;

/// <summary>
/// The one rule set that turns (content, scale, quality level, input condition) into a model, used by
/// the engine, the job service, the upload page and the CLI alike, so they offer and refuse the same
/// combinations with the same sentence. The rules (published in docs/MODELS.md, "The lineup"):
/// <list type="number">
/// <item>Only placed cells are offered: a model never stands in for another scale or level by itself.</item>
/// <item>The clean cells decide which combinations exist; the input condition only picks the network
/// that serves a cell. A degraded input uses the cell's real-world model where one is placed, else the
/// clean one, so a combination is never offered for one condition and refused for the other.</item>
/// <item>A placed model runs at its native scale; a placement at a smaller scale downscales its output.</item>
/// </list>
/// </summary>
public sealed class LineupRules
{
    private readonly Dictionary<(ContentType, int, QualityLevel, InputCondition), LineupPlacement> cells;

    public LineupRules(IEnumerable<LineupPlacement> placements)
    {
        ArgumentNullException.ThrowIfNull(placements);
        Placements = placements.ToList();
        cells = [];
        foreach (var placement in Placements)
        {
            if (!cells.TryAdd((placement.Content, placement.Scale, placement.Level, placement.Condition), placement))
            {
                throw new ArgumentException($"The lineup places two models in {Name(placement.Content)} x{placement.Scale} {placement.Level} ({placement.Condition}).", nameof(placements));
            }
        }

        var orphan = Placements.FirstOrDefault(p => p.Condition != InputCondition.Clean && !cells.ContainsKey((p.Content, p.Scale, p.Level, InputCondition.Clean)));
        if (orphan is not null)
        {
            throw new ArgumentException(
                $"{orphan.ModelId} is placed for {orphan.Condition.ToString().ToLowerInvariant()} inputs in {Name(orphan.Content)} x{orphan.Scale} {orphan.Level}, which the clean lineup does not offer.",
                nameof(placements));
        }
    }

    /// <summary>The lineup the product runs: <see cref="ModelCatalog.Placements"/>.</summary>
    public static LineupRules Current { get; } = new(ModelCatalog.Placements);

    public IReadOnlyList<LineupPlacement> Placements { get; }

    /// <summary>The model for this request, or the refusal sentence naming what is offered.</summary>
    public LineupChoice Choose(ContentType content, int scale, QualityLevel level, InputCondition condition)
    {
        if (condition != InputCondition.Clean && cells.TryGetValue((content, scale, level, condition), out var real))
        {
            return new LineupChoice(real.ModelId, condition, null) { Restoration = real.Restoration };
        }

        return cells.TryGetValue((content, scale, level, InputCondition.Clean), out var clean)
            ? new LineupChoice(clean.ModelId, InputCondition.Clean, null) { Restoration = clean.Restoration }
            : new LineupChoice(null, condition, Refusal(content, scale, level));
    }

    /// <summary>True when the lineup offers this combination (for every input condition, by rule 2).</summary>
    public bool Offers(ContentType content, int scale, QualityLevel level) =>
        cells.ContainsKey((content, scale, level, InputCondition.Clean));

    /// <summary>The placement serving a cell for a condition, without the clean fallback; null when none is placed.</summary>
    public LineupPlacement? Find(ContentType content, int scale, QualityLevel level, InputCondition condition) =>
        cells.GetValueOrDefault((content, scale, level, condition));

    /// <summary>
    /// The sentence for a combination the lineup does not offer, e.g. "Photo x4 Balanced is not offered.
    /// For photos at x4 the lineup offers Ultra and Detail; Balanced is offered at x2 and x3."
    /// </summary>
    public string Refusal(ContentType content, int scale, QualityLevel level)
    {
        var clean = Placements.Where(p => p.Condition == InputCondition.Clean && p.Content == content).ToList();
        var levels = clean.Where(p => p.Scale == scale).Select(p => p.Level).Distinct().Order().Select(l => l.ToString()).ToList();
        var scales = clean.Where(p => p.Level == level).Select(p => p.Scale).Distinct().Order()
            .Select(s => "x" + s.ToString(CultureInfo.InvariantCulture)).ToList();
        var head = $"{Title(content)} x{scale} {level} is not offered.";
        var atScale = levels.Count > 0
            ? $" For {Name(content)} at x{scale} the lineup offers {Join(levels)}"
            : $" The lineup offers nothing for {Name(content)} at x{scale}";
        var forLevel = scales.Count > 0
            ? $"; {level} is offered at {Join(scales)}."
            : $"; {level} is not offered for {Name(content)} at any scale.";
        return head + atScale + forLevel;
    }

    private static string Title(ContentType content) => ContentTypeNames.Title(content);

    private static string Name(ContentType content) => ContentTypeNames.InSentence(content);

    private static string Join(IReadOnlyList<string> items) =>
        items.Count == 1 ? items[0] : string.Join(", ", items.Take(items.Count - 1)) + " and " + items[^1];
}
