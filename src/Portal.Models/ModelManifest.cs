using System.Text.Json;
using System.Text.Json.Serialization;

namespace Portal.Models;

/// <summary>The contents of <c>models/manifest.json</c>: every model, its provenance and its place in the lineup.</summary>
public sealed record ModelManifest
{
    public const string FileName = "manifest.json";

    internal static readonly JsonSerializerOptions JsonOptions = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        WriteIndented = true,
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.CamelCase) },
    };

    public int SchemaVersion { get; init; } = 1;

    /// <summary>The ONNX contract every model follows, stated once for readers of the JSON.</summary>
    public string Contract { get; init; } =
        "input float32 [1,3,H,W] RGB 0..1 (dynamic H,W), name 'input'; output float32 [1,3,sH,sW] RGB 0..1, name 'output'";

    public IReadOnlyList<ModelEntry> Models { get; init; } = [];

    public static ModelManifest Load(string path)
    {
        using var stream = System.IO.File.OpenRead(path);
        return JsonSerializer.Deserialize<ModelManifest>(stream, JsonOptions)
            ?? throw new InvalidDataException($"{path} is empty.");
    }

    public void Save(string path)
    {
        var temporary = path + ".tmp";
        System.IO.File.WriteAllText(temporary, JsonSerializer.Serialize(this, JsonOptions) + "\n");
        System.IO.File.Move(temporary, path, overwrite: true);
    }

    /// <summary>
    /// Relative paths of the model files shipped with the portal. Models fetched and converted on first use are
    /// listed with <c>committed: false</c> and are not expected on disk; their int8 variants are small and always shipped.
    /// </summary>
    public IEnumerable<string> ShippedFiles() =>
        Models.SelectMany(model => new[] { model.Committed ? model.File : null, model.Int8?.File })
            .OfType<string>()
            .Where(file => !Path.IsPathRooted(file));

    public ModelEntry? FindById(string id) => Models.FirstOrDefault(model => model.Id == id);

    /// <summary>The model offered for a content type, scale and quality level, or null if none is.</summary>
    public ModelEntry? FindOffered(ContentType contentType, int scale, QualityLevel qualityLevel) =>
        Models.FirstOrDefault(model => model.Scale == scale && model.IsOffered(contentType, qualityLevel));

    /// <summary>The lineup: every (content type, scale, quality level) that is offered and the model serving it.</summary>
    public IEnumerable<(ModelOffer Offer, ModelEntry Model)> Offered() =>
        Models.SelectMany(model => model.Offers.Select(offer => (Offer: offer, Model: model)))
            .OrderBy(pair => pair.Offer.ContentType).ThenBy(pair => pair.Model.Scale).ThenBy(pair => pair.Offer.QualityLevel);
}
