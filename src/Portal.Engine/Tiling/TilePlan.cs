namespace Portal.Engine.Tiling;

/// <summary>
/// All tiles of one image, grouped in rows so the output can be written band by band. Every
/// window has the shape <see cref="WindowWidth"/> x <see cref="WindowHeight"/>, except the
/// smaller ones a split first tile is made of.
/// </summary>
public sealed record TilePlan(
    int ImageWidth,
    int ImageHeight,
    int TileSize,
    int Overlap,
    int WindowWidth,
    int WindowHeight,
    IReadOnlyList<IReadOnlyList<Tile>> Rows)
{
    public int Count => Rows.Sum(r => r.Count);

    /// <summary>The first image row a row of tiles covers.</summary>
    public static int TopOf(IReadOnlyList<Tile> row) => row.Min(t => t.Core.Y);

    /// <summary>How many image rows a row of tiles covers.</summary>
    public static int HeightOf(IReadOnlyList<Tile> row) => row.Max(t => t.Core.Y + t.Core.Height) - TopOf(row);
}
