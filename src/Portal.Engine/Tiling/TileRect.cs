namespace Portal.Engine.Tiling;

/// <summary>A rectangle in input pixels.</summary>
public readonly record struct TileRect(int X, int Y, int Width, int Height);
