namespace Portal.Models;

/// <summary>
/// One converted model. Every model follows the same contract: input float32 [1,3,H,W] RGB in
/// 0..1 with dynamic H and W, output [1,3,Scale*H,Scale*W] in 0..1.
/// </summary>
public sealed record ModelEntry
{
    /// <summary>Stable id, also the file name stem, e.g. <c>esrgan-slim-x2</c>.</summary>
    public required string Id { get; init; }

    /// <summary>Network family: rdn, rrdn, srvgg-compact, rrdbnet.</summary>
    public required string Family { get; init; }

    public required ContentType ContentType { get; init; }

    /// <summary>The quality level this model serves for its content type and scale; null when it is not offered for it.</summary>
    public QualityLevel? QualityLevel { get; init; }

    /// <summary>
    /// Other content types the measurements also put this model in the lineup for (e.g. a photo
    /// model that is the best measured model on art at its scale).
    /// </summary>
    public IReadOnlyList<ModelOffer> AlsoOffered { get; init; } = [];

    /// <summary>Every place in the lineup this model holds.</summary>
    [System.Text.Json.Serialization.JsonIgnore]
    public IEnumerable<ModelOffer> Offers =>
        (QualityLevel is { } level ? [new ModelOffer(ContentType, level)] : Array.Empty<ModelOffer>()).Concat(AlsoOffered);

    public bool IsOffered(ContentType contentType, QualityLevel qualityLevel) =>
        Offers.Any(offer => offer.ContentType == contentType && offer.QualityLevel == qualityLevel);

    public required int Scale { get; init; }

    /// <summary>
    /// The range the original weights expect ("0..1" or "0..255"). Informational: the
    /// conversion bakes it into the graph, so every ONNX file takes 0..1.
    /// </summary>
    public required string InputRange { get; init; }

    public required long Parameters { get; init; }

    /// <summary>Multiply-adds counted as two operations, per pixel of the input image.</summary>
    public required long FlopsPerInputPixel { get; init; }

    /// <summary>The ONNX file, relative to the manifest's folder (or the model cache for fetched models).</summary>
    public required string File { get; init; }

    /// <summary>SHA-256 (lower-case hex) of the ONNX file the importer produces; it is deterministic.</summary>
    public required string Sha256 { get; init; }

    public required long SizeBytes { get; init; }

    /// <summary>True when the ONNX file is committed under models/; false when it is fetched and converted on first use.</summary>
    public required bool Committed { get; init; }

    public required ModelSource Source { get; init; }

    /// <summary>SPDX licence id of the weights.</summary>
    public required string Licence { get; init; }

    /// <summary>The licence text, relative to the manifest's folder.</summary>
    public required string LicenceFile { get; init; }

    /// <summary>The int8 variant the CPU runs by default, when one has been made (<c>portal models quantize</c>); always committed.</summary>
    public Int8Variant? Int8 { get; init; }

    /// <summary>What a person should know before choosing it (e.g. GAN models can alter faces).</summary>
    public string? Notes { get; init; }
}

/// <summary>
/// A calibrated int8 (QDQ) copy of a model for the CPU: uint8 activations, per-channel weights,
/// with the convolutions that cost the most accuracy left in float.
/// </summary>
public sealed record Int8Variant
{
    /// <summary>The ONNX file, relative to the manifest's folder.</summary>
    public required string File { get; init; }

    public required string Sha256 { get; init; }

    public required long SizeBytes { get; init; }

    /// <summary>Convolutions that run on integers.</summary>
    public required int IntegerConvs { get; init; }

    /// <summary>Convolutions left in float because quantizing them cost the most accuracy.</summary>
    public required int FloatConvs { get; init; }

    /// <summary>7 (safe from the AVX2 multiply-add saturation) or 8.</summary>
    public required int WeightBits { get; init; }

    /// <summary>PSNR (dB, RGB, 8-bit outputs) of the int8 output against float32 on the worst evaluation photo.</summary>
    public required double PsnrVsFloat { get; init; }

    /// <summary>
    /// Context pixels per tile side the int8 model needs to stay 55 dB from an untiled run (0 =
    /// not measured, use the family's). Wider than float32's: see ModelOverlaps.
    /// </summary>
    public int Overlap { get; init; }

    /// <summary>The <c>models quantize</c> options it was made with, to make it again.</summary>
    public string? Options { get; init; }
}
