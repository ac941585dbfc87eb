using Portal.Core.Jobs;
using Portal.Models.Evaluation;

namespace Portal.Web.Features.Models;

/// <summary>
/// The committed quality report (<c>models/quality-report.json</c>, written by
/// <c>portal models evaluate --tracks ... --json</c>), read once: the /models page shows measured numbers,
/// never numbers computed while a visitor waits.
/// </summary>
public sealed class QualityReportSource(Func<PublishedReport?> load)
{
    private readonly Lazy<PublishedReport?> report = new(load);

    public static QualityReportSource FromFolder(ModelFolder folder) =>
        new(() => PublishedReport.TryLoad(Path.Combine(folder.Path, PublishedReport.FileName)));

    /// <summary>The report, or null when the file is missing or unreadable.</summary>
    public PublishedReport? Report => report.Value;
}
