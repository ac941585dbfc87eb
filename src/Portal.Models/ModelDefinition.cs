namespace Portal.Models;

/// <summary>
/// A pinned model before conversion: where its weights are and how to read them. The importer
/// turns a definition into a <see cref="ModelEntry"/> by converting it and measuring the result.
/// </summary>
public sealed record ModelDefinition
{
    public required string Id { get; init; }

    public required string Family { get; init; }

    public required ContentType ContentType { get; init; }

    public QualityLevel? QualityLevel { get; init; }

    public IReadOnlyList<ModelOffer> AlsoOffered { get; init; } = [];

    public required int Scale { get; init; }

    /// <summary>The value of white the weights expect: 1 or 255.</summary>
    public required float SourceRange { get; init; }

    public required ModelSource Source { get; init; }

    public required string Licence { get; init; }

    public required string LicenceFile { get; init; }

    /// <summary>True when the ONNX file is small enough to commit under models/.</summary>
    public required bool Committed { get; init; }

    public string? Notes { get; init; }

    public string FileName => Id + ".onnx";

    public string InputRange => SourceRange == 1f ? "0..1" : "0..255";

    /// <summary>The definition a manifest entry was imported from, so the importer can rebuild it.</summary>
    public static ModelDefinition FromEntry(ModelEntry entry) => new()
    {
        Id = entry.Id,
        Family = entry.Family,
        ContentType = entry.ContentType,
        QualityLevel = entry.QualityLevel,
        AlsoOffered = entry.AlsoOffered,
        Scale = entry.Scale,
        SourceRange = entry.InputRange == "0..255" ? 255f : 1f,
        Source = entry.Source,
        Licence = entry.Licence,
        LicenceFile = entry.LicenceFile,
        Committed = entry.Committed,
        Notes = entry.Notes,
    };
}
