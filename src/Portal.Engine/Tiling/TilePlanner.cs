namespace Portal.Engine.Tiling;

/// <summary>Splits an image into fixed-shape windows around evenly sized cores.</summary>
public static class TilePlanner
{
    /// <summary>
    /// Every window has the same shape (at most <paramref name="tileSize"/> + 2 x <paramref name="overlap"/>),
    /// shifted inwards at the image borders, so the session runs one shape only and the first run's
    /// shape-specific set-up is paid once. Cores are split evenly so no thin sliver tile is left over.
    /// </summary>
    public static TilePlan Plan(int width, int height, int tileSize, int overlap)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(width, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(height, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(tileSize, 1);
        ArgumentOutOfRangeException.ThrowIfNegative(overlap);

        var (xs, coreW) = Split(width, tileSize);
        var (ys, coreH) = Split(height, tileSize);
        var windowW = Math.Min(coreW + (2 * overlap), width);
        var windowH = Math.Min(coreH + (2 * overlap), height);

        var rows = new List<IReadOnlyList<Tile>>(ys.Count - 1);
        var index = 0;
        for (var r = 0; r < ys.Count - 1; r++)
        {
            var row = new List<Tile>(xs.Count - 1);
            for (var c = 0; c < xs.Count - 1; c++)
            {
                var core = new TileRect(xs[c], ys[r], xs[c + 1] - xs[c], ys[r + 1] - ys[r]);
                var wx = Math.Clamp(core.X - overlap, 0, width - windowW);
                var wy = Math.Clamp(core.Y - overlap, 0, height - windowH);
                row.Add(new Tile(index++, r, core, new TileRect(wx, wy, windowW, windowH)));
            }

            rows.Add(row);
        }

        return new TilePlan(width, height, tileSize, overlap, windowW, windowH, rows);
    }

    /// <summary>Cut points of <paramref name="length"/> into ceil(length / size) near-equal parts.</summary>
    private static (List<int> Cuts, int MaxPart) Split(int length, int size)
    {
        var parts = (length + size - 1) / size;
        var cuts = new List<int>(parts + 1);
        for (var i = 0; i <= parts; i++)
        {
            cuts.Add((int)((long)length * i / parts));
        }

        var max = 0;
        for (var i = 0; i < parts; i++)
        {
            max = Math.Max(max, cuts[i + 1] - cuts[i]);
        }

        return (cuts, max);
    }
}
