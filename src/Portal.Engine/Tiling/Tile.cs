namespace Portal.Engine.Tiling;

/// <summary>
/// One unit of work: the network sees <see cref="Window"/>, and only the <see cref="Core"/> part of its
/// output is kept. Cores tile the image exactly; windows add up to the overlap of context on each side.
/// </summary>
public sealed record Tile(int Index, int Row, TileRect Core, TileRect Window);
