namespace Portal.Engine.Tiling;

/// <summary>All tiles of one image, grouped in rows so the output can be written band by band.</summary>
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
}
