namespace Portal.Engine.Tiling;

/// <summary>Splits an image into fixed-shape windows around evenly sized cores.</summary>
public static class TilePlanner
{
    /// <summary>
    /// Every window has the same shape (at most <paramref name="tileSize"/> + 2 x <paramref name="overlap"/>),
    /// shifted inwards at the image borders, so the session runs one shape only and the first run's
    /// shape-specific set-up is paid once. Cores are split evenly so no thin sliver tile is left over.
    /// </summary>
    /// <remarks>
    /// With <paramref name="firstTileSplit"/> n above 1, the first tile is cut into n x n smaller
    /// tiles (a second, smaller window shape), so the first progress report comes after a fraction
    /// of a full tile's work: a deep model on the CPU takes seconds per tile, and a job would
    /// otherwise sit at 0 % for all of the first one. The extra context costs a little speed.
    /// </remarks>
    public static TilePlan Plan(int width, int height, int tileSize, int overlap, int firstTileSplit = 1)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(width, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(height, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(tileSize, 1);
        ArgumentOutOfRangeException.ThrowIfNegative(overlap);
        ArgumentOutOfRangeException.ThrowIfLessThan(firstTileSplit, 1);

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

        if (firstTileSplit > 1)
        {
            var split = SplitFirstTile(rows[0], width, height, overlap, firstTileSplit);
            var added = split.Count - rows[0].Count;
            rows[0] = split;
            for (var r = 1; r < rows.Count; r++)
            {
                rows[r] = rows[r].Select(t => t with { Index = t.Index + added }).ToList();
            }
        }

        return new TilePlan(width, height, tileSize, overlap, windowW, windowH, rows);
    }

    /// <summary>
    /// The row with its first tile replaced by up to n x n tiles covering the same core, in
    /// row-major order; unchanged when the smaller windows would not be at most half the size.
    /// </summary>
    private static List<Tile> SplitFirstTile(IReadOnlyList<Tile> row, int width, int height, int overlap, int n)
    {
        var first = row[0].Core;
        var (xs, subW) = Split(first.Width, (first.Width + n - 1) / n);
        var (ys, subH) = Split(first.Height, (first.Height + n - 1) / n);
        var windowW = Math.Min(subW + (2 * overlap), width);
        var windowH = Math.Min(subH + (2 * overlap), height);
        var full = row[0].Window;
        if (2L * windowW * windowH > (long)full.Width * full.Height)
        {
            // The context would dominate (or the image is that small): n x n pieces would cost
            // n x n times the work for little earlier progress. Keep the tile whole.
            return [.. row];
        }

        var tiles = new List<Tile>();
        for (var r = 0; r < ys.Count - 1; r++)
        {
            for (var c = 0; c < xs.Count - 1; c++)
            {
                var core = new TileRect(first.X + xs[c], first.Y + ys[r], xs[c + 1] - xs[c], ys[r + 1] - ys[r]);
                var wx = Math.Clamp(core.X - overlap, 0, width - windowW);
                var wy = Math.Clamp(core.Y - overlap, 0, height - windowH);
                tiles.Add(new Tile(tiles.Count, 0, core, new TileRect(wx, wy, windowW, windowH)));
            }
        }

        foreach (var tile in row.Skip(1))
        {
            tiles.Add(tile with { Index = tiles.Count });
        }

        return tiles;
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
