using System.Numerics;
using Portal.Engine.Tiling;

namespace Portal.Engine.Faces;

/// <summary>
/// Blends each face region's faithful redraw into the GAN result as its bands stream past:
/// result = GAN + (faithful - GAN) x mask. Regions never overlap (<see cref="FaceRegion.Plan"/> merges them),
/// and a region may span any number of tiles and bands.
/// </summary>
internal sealed class FaceCompositor(IReadOnlyList<FacePatch> patches) : IBandCompositor
{
    public IReadOnlyList<FacePatch> Patches { get; } = patches;

    public void Compose(Span<byte> band, int firstRow, int rows, int rowSamples) =>
        Compose(band, firstRow, rows, rowSamples, static patch => patch.Pixels8!);

    public void Compose(Span<ushort> band, int firstRow, int rows, int rowSamples) =>
        Compose(band, firstRow, rows, rowSamples, static patch => patch.Pixels16!);

    // One blend for 8- and 16-bit bands; the JIT specialises it per sample type.
    private void Compose<T>(Span<T> band, int firstRow, int rows, int rowSamples, Func<FacePatch, T[]> pixelsOf)
        where T : unmanaged, INumberBase<T>
    {
        foreach (var patch in Patches)
        {
            var area = patch.Area;
            var from = Math.Max(firstRow, area.Y);
            var to = Math.Min(firstRow + rows, area.Y + area.Height);
            var pixels = pixelsOf(patch);
            for (var y = from; y < to; y++)
            {
                var weightY = patch.Mask.Row(y - area.Y);
                var dst = ((y - firstRow) * rowSamples) + (area.X * 3);
                var src = (y - area.Y) * area.Width * 3;
                for (var x = 0; x < area.Width; x++)
                {
                    var m = weightY * patch.Mask.Column(x);
                    for (var c = 0; c < 3; c++, dst++, src++)
                    {
                        var gan = float.CreateTruncating(band[dst]);
                        band[dst] = T.CreateTruncating(MathF.Round(gan + ((float.CreateTruncating(pixels[src]) - gan) * m)));
                    }
                }
            }
        }
    }
}
