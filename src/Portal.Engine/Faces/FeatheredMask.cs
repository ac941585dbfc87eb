using Portal.Engine.Tiling;

namespace Portal.Engine.Faces;

/// <summary>
/// How much of the faithful redraw each output pixel of a region takes: 1 in the core, falling to 0 at
/// the region's edge along a smoothstep ramp (its slope is 0 at both ends, so neither the inner nor the
/// outer edge of the ramp shows as a line). Sides lying on the image border do not ramp: there is no GAN
/// pixel beyond them to blend towards, and a face cut by the border stays redrawn up to the edge.
/// </summary>
internal sealed class FeatheredMask
{
    private readonly float[] columns;
    private readonly float[] rows;

    /// <param name="area">The region in output pixels.</param>
    /// <param name="outputWidth">The output's width, to know which sides lie on the border.</param>
    /// <param name="outputHeight">The output's height.</param>
    /// <param name="feather">Ramp width in output pixels.</param>
    public FeatheredMask(TileRect area, int outputWidth, int outputHeight, float feather)
    {
        Area = area;
        Feather = Math.Max(1f, feather);
        columns = Ramp(area.Width, area.X == 0, area.X + area.Width >= outputWidth, Feather);
        rows = Ramp(area.Height, area.Y == 0, area.Y + area.Height >= outputHeight, Feather);
    }

    public TileRect Area { get; }

    public float Feather { get; }

    /// <summary>The weight of the redraw at output pixel (x, y) given relative to the region's corner.</summary>
    public float At(int x, int y) => columns[x] * rows[y];

    public float Column(int x) => columns[x];

    public float Row(int y) => rows[y];

    private static float[] Ramp(int length, bool startOnBorder, bool endOnBorder, float feather)
    {
        var weights = new float[length];
        for (var i = 0; i < length; i++)
        {
            // Distance from the pixel's centre to each edge; a border side is infinitely far.
            var fromStart = startOnBorder ? float.PositiveInfinity : i + 0.5f;
            var fromEnd = endOnBorder ? float.PositiveInfinity : length - i - 0.5f;
            weights[i] = SmoothStep(Math.Min(fromStart, fromEnd) / feather);
        }

        return weights;
    }

    private static float SmoothStep(float t)
    {
        if (t >= 1f)
        {
            return 1f;
        }

        return t <= 0f ? 0f : t * t * (3f - (2f * t));
    }
}
