namespace Portal.Engine.Imaging;

/// <summary>How the result file is written.</summary>
/// <param name="Format">A concrete format (never <see cref="OutputFormat.SameAsInput"/>).</param>
/// <param name="Quality">JPEG and WebP quality, 1..100.</param>
/// <param name="StripMetadata">Drop ICC profile, EXIF, XMP and IPTC instead of copying them.</param>
internal sealed record EncodeOptions(OutputFormat Format, int Quality, bool StripMetadata);
