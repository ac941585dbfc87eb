using Portal.Models;

namespace Portal.Engine.Tests.Support;

internal static class TestModels
{
    public static ModelEntry Entry(string id, int scale, string family = "test", ContentType content = ContentType.Photo, QualityLevel? quality = QualityLevel.Balanced) => new()
    {
        Id = id,
        Family = family,
        ContentType = content,
        QualityLevel = quality,
        Scale = scale,
        InputRange = "0..1",
        Parameters = 0,
        FlopsPerInputPixel = 0,
        File = id + ".onnx",
        Sha256 = new string('0', 64),
        SizeBytes = 0,
        Committed = true,
        Source = new ModelSource("test", "0.0.0", "sha512-", "model.json", SourceFormat.TfjsLayers),
        Licence = "MIT",
        LicenceFile = "LICENSE",
    };
}
