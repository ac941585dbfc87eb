namespace Portal.Models.Evaluation;

/// <summary>
/// Collects the same region of every method's output and lays them out in one strip per crop,
/// track and scale: original, the model's input (enlarged with nearest neighbour, so its pixels
/// and JPEG blocks stay visible), then each method in evaluation order.
/// </summary>
public sealed class CropSheet(IReadOnlyList<CropSpec> crops, int scale)
{
    private const int Gap = 4;
    private readonly Dictionary<(CropSpec, EvaluationTrack), List<(string Method, RgbImage Tile)>> tiles = new();

    /// <summary>Suitable as <see cref="TrackEvaluator.OnOutput"/>.</summary>
    public void Add(string method, EvaluationTrack track, EvaluationImage original, RgbImage input, RgbImage output)
    {
        foreach (var crop in crops.Where(c => c.ImageName == original.Name))
        {
            if (!tiles.TryGetValue((crop, track), out var list))
            {
                list = [("original", Cut(original.Image, crop.Left, crop.Top, crop.Size)), ("input", Nearest(Cut(input, crop.Left / scale, crop.Top / scale, crop.Size / scale), scale))];
                tiles[(crop, track)] = list;
            }
            if (list.All(t => t.Method != method))
            {
                list.Add((method, Cut(output.Quantized(), crop.Left, crop.Top, crop.Size)));
            }
        }
    }

    /// <summary>Writes one PNG per crop and track; returns (file, columns) for the report.</summary>
    public IReadOnlyList<(string File, CropSpec Crop, EvaluationTrack Track, IReadOnlyList<string> Columns)> Save(string directory)
    {
        Directory.CreateDirectory(directory);
        var written = new List<(string, CropSpec, EvaluationTrack, IReadOnlyList<string>)>();
        foreach (var ((crop, track), list) in tiles.OrderBy(t => t.Key.Item1.Label, StringComparer.Ordinal).ThenBy(t => t.Key.Item2))
        {
            var size = list[0].Tile.Width;
            var width = list.Count * size + (list.Count - 1) * Gap;
            var planes = new float[3 * width * size];
            Array.Fill(planes, 1f);
            for (var t = 0; t < list.Count; t++)
            {
                var tile = list[t].Tile;
                for (var c = 0; c < 3; c++)
                {
                    for (var y = 0; y < size; y++)
                    {
                        Array.Copy(tile.Planes, c * size * size + y * size, planes, c * width * size + y * width + t * (size + Gap), size);
                    }
                }
            }
            var file = $"x{scale}-{track.ToString().ToLowerInvariant()}-{crop.Label}.png";
            new RgbImage(width, size, planes).Save(Path.Combine(directory, file));
            written.Add((file, crop, track, list.Select(l => l.Method).ToList()));
        }
        return written;
    }

    private static RgbImage Cut(RgbImage image, int left, int top, int size)
    {
        if (left < 0 || top < 0 || left + size > image.Width || top + size > image.Height)
        {
            throw new ArgumentException($"The crop {left},{top} of {size} px does not fit a {image.Width}x{image.Height} image.");
        }
        var planes = new float[3 * size * size];
        for (var c = 0; c < 3; c++)
        {
            for (var y = 0; y < size; y++)
            {
                Array.Copy(image.Planes, c * image.Width * image.Height + (top + y) * image.Width + left, planes, c * size * size + y * size, size);
            }
        }
        return new RgbImage(size, size, planes);
    }

    private static RgbImage Nearest(RgbImage image, int factor)
    {
        int width = image.Width * factor, height = image.Height * factor;
        var planes = new float[3 * width * height];
        for (var c = 0; c < 3; c++)
        {
            for (var y = 0; y < height; y++)
            {
                for (var x = 0; x < width; x++)
                {
                    planes[c * width * height + y * width + x] = image.Planes[c * image.Width * image.Height + y / factor * image.Width + x / factor];
                }
            }
        }
        return new RgbImage(width, height, planes);
    }
}
