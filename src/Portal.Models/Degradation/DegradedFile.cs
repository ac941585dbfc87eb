using Portal.Models.Evaluation;

namespace Portal.Models.Degradation;

/// <summary>A degraded input both as pixels and as the file a person would upload.</summary>
/// <param name="Image">The decoded pixels, 8-bit values.</param>
/// <param name="Jpeg">The bytes of the final JPEG save when the recipe ends with one (so a reader sees its quantization tables); null otherwise.</param>
public sealed record DegradedFile(RgbImage Image, byte[]? Jpeg);
