namespace Portal.Engine.Faces;

/// <summary>An axis-aligned box in image pixels (x, y of the top-left corner).</summary>
public readonly record struct FaceBox(float X, float Y, float Width, float Height)
{
    public float Right => X + Width;

    public float Bottom => Y + Height;

    public float Area => Math.Max(0, Width) * Math.Max(0, Height);

    public FaceBox Scale(float sx, float sy) => new(X * sx, Y * sy, Width * sx, Height * sy);

    /// <summary>Grows the box by a fraction of its size, split evenly on both sides.</summary>
    public FaceBox Pad(float fraction) => new(X - Width * fraction / 2, Y - Height * fraction / 2, Width * (1 + fraction), Height * (1 + fraction));

    public float IntersectionOverUnion(FaceBox other)
    {
        var width = Math.Min(Right, other.Right) - Math.Max(X, other.X);
        var height = Math.Min(Bottom, other.Bottom) - Math.Max(Y, other.Y);
        if (width <= 0 || height <= 0)
        {
            return 0;
        }
        var intersection = width * height;
        return intersection / (Area + other.Area - intersection);
    }

    /// <summary>Whole pixels inside a width x height image (floored), as the crop that feeds a network; empty when outside.</summary>
    internal (int X, int Y, int Width, int Height) ClipToImage(int width, int height)
    {
        var left = Math.Max(X, 0);
        var top = Math.Max(Y, 0);
        var clippedWidth = Math.Min(Right - left, width - left);
        var clippedHeight = Math.Min(Bottom - top, height - top);
        return ((int)MathF.Floor(left), (int)MathF.Floor(top), Math.Max(0, (int)MathF.Floor(clippedWidth)), Math.Max(0, (int)MathF.Floor(clippedHeight)));
    }
}
