using Portal.Engine.Tiling;

namespace Portal.Engine.Faces;

/// <summary>
/// The faithful network's redraw of one face region, at output size, as interleaved RGB samples in the
/// result's depth (8 or 16 bits), with the mask that blends it in.
/// </summary>
internal sealed class FacePatch(FaceRegion region, FeatheredMask mask, byte[]? pixels8, ushort[]? pixels16)
{
    public FaceRegion Region { get; } = region;

    public FeatheredMask Mask { get; } = mask;

    /// <summary>The region in output pixels.</summary>
    public TileRect Area => Mask.Area;

    public byte[]? Pixels8 { get; } = pixels8;

    public ushort[]? Pixels16 { get; } = pixels16;
}
