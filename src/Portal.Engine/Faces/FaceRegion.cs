using Portal.Engine.Tiling;

namespace Portal.Engine.Faces;

/// <summary>
/// One area the faithful network redraws, in input pixels: one face box grown by the margin, or
/// several whose grown boxes overlapped, merged into their bounding box. Always inside the image.
/// </summary>
/// <param name="Area">The redrawn rectangle, clipped to the image.</param>
/// <param name="Faces">How many detected faces it covers.</param>
public sealed record FaceRegion(TileRect Area, int Faces)
{
    /// <summary>
    /// Grows each face box by <paramref name="margin"/>, clips it to the image, and merges regions that
    /// overlap or touch until none do, so every output pixel belongs to at most one blend.
    /// </summary>
    public static IReadOnlyList<FaceRegion> Plan(IEnumerable<FaceBox> faces, int width, int height, float margin)
    {
        ArgumentNullException.ThrowIfNull(faces);
        var regions = new List<FaceRegion>();
        foreach (var face in faces)
        {
            if (!float.IsFinite(face.X) || !float.IsFinite(face.Y) || !float.IsFinite(face.Width) || !float.IsFinite(face.Height))
            {
                continue;
            }

            var grown = face.Pad(margin);
            var left = (int)Math.Clamp(MathF.Floor(grown.X), 0, width);
            var top = (int)Math.Clamp(MathF.Floor(grown.Y), 0, height);
            var right = (int)Math.Clamp(MathF.Ceiling(grown.Right), 0, width);
            var bottom = (int)Math.Clamp(MathF.Ceiling(grown.Bottom), 0, height);
            if (right - left >= 2 && bottom - top >= 2)
            {
                regions.Add(new FaceRegion(new TileRect(left, top, right - left, bottom - top), 1));
            }
        }

        // Merging can make a region reach a third one: repeat until nothing touches.
        var merged = true;
        while (merged)
        {
            merged = false;
            for (var i = 0; i < regions.Count && !merged; i++)
            {
                for (var j = i + 1; j < regions.Count; j++)
                {
                    if (Touch(regions[i].Area, regions[j].Area))
                    {
                        regions[i] = new FaceRegion(Union(regions[i].Area, regions[j].Area), regions[i].Faces + regions[j].Faces);
                        regions.RemoveAt(j);
                        merged = true;
                        break;
                    }
                }
            }
        }

        return regions.OrderBy(r => r.Area.Y).ThenBy(r => r.Area.X).ToList();
    }

    private static bool Touch(TileRect a, TileRect b) =>
        a.X <= b.X + b.Width && b.X <= a.X + a.Width && a.Y <= b.Y + b.Height && b.Y <= a.Y + a.Height;

    private static TileRect Union(TileRect a, TileRect b)
    {
        var left = Math.Min(a.X, b.X);
        var top = Math.Min(a.Y, b.Y);
        return new TileRect(left, top, Math.Max(a.X + a.Width, b.X + b.Width) - left, Math.Max(a.Y + a.Height, b.Y + b.Height) - top);
    }
}
