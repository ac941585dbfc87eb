using Portal.Models.Degradation;
using Portal.Models.Evaluation;
using Portal.Training.Architectures;
using Portal.Training.Data;
using static TorchSharp.torch;

namespace Portal.Training;

/// <summary>
/// Before/after crops of one held-out image, shown at 2x so single pixels are visible: input
/// (nearest), output, for a clean and a JPEG-50 input, then the original.
/// </summary>
public static class Preview
{
    public static void Write(SuperResolutionNetwork network, RgbImage image, int scale, Device device, string path)
    {
        var side = Math.Min(96, Math.Min(image.Width, image.Height)) / scale * scale;
        var high = TrainingPairs.Crop(image, (image.Width - side) / 2, (image.Height - side) / 2, side, side);
        var clean = Resampler.Resize(high, side / scale, side / scale, Resampler.Kernel.Bicubic).Quantized();
        var jpeg = Degrader.Jpeg(clean, 50).Quantized();
        var tiles = new List<RgbImage>();
        foreach (var low in new[] { clean, jpeg })
        {
            tiles.Add(Nearest(low, scale));
            tiles.Add(Run(network, low, device));
        }
        tiles.Add(high);
        Zoom(SideBySide(tiles), 2).Save(path);
    }

    public static RgbImage Run(SuperResolutionNetwork network, RgbImage low, Device device)
    {
        using var _ = no_grad();
        using var scope = NewDisposeScope();
        var input = tensor(low.Planes).reshape(1, 3, low.Height, low.Width).to(device);
        var output = network.call(input).clamp(0, 1).cpu();
        return new RgbImage(low.Width * network.Scale, low.Height * network.Scale, output.data<float>().ToArray());
    }

    public static RgbImage SideBySide(IReadOnlyList<RgbImage> tiles, int gap = 4)
    {
        var height = tiles.Max(t => t.Height);
        var width = tiles.Sum(t => t.Width) + gap * (tiles.Count - 1);
        var planes = Enumerable.Repeat(1f, 3 * width * height).ToArray();
        var x = 0;
        foreach (var tile in tiles)
        {
            for (var c = 0; c < 3; c++)
            {
                for (var row = 0; row < tile.Height; row++)
                {
                    Array.Copy(tile.Planes, (c * tile.Height + row) * tile.Width, planes, (c * height + row) * width + x, tile.Width);
                }
            }
            x += tile.Width + gap;
        }
        return new RgbImage(width, height, planes);
    }

    /// <summary>Rows of tiles one above the other, each left-aligned on white.</summary>
    public static RgbImage Stack(IReadOnlyList<RgbImage> rows, int gap = 4)
    {
        var width = rows.Max(r => r.Width);
        var height = rows.Sum(r => r.Height) + gap * (rows.Count - 1);
        var planes = Enumerable.Repeat(1f, 3 * width * height).ToArray();
        var y = 0;
        foreach (var tile in rows)
        {
            for (var c = 0; c < 3; c++)
            {
                for (var row = 0; row < tile.Height; row++)
                {
                    Array.Copy(tile.Planes, (c * tile.Height + row) * tile.Width, planes, (c * height + y + row) * width, tile.Width);
                }
            }
            y += tile.Height + gap;
        }
        return new RgbImage(width, height, planes);
    }

    public static RgbImage Nearest(RgbImage image, int factor) => Zoom(image, factor);

    public static RgbImage Zoom(RgbImage image, int factor)
    {
        int width = image.Width * factor, height = image.Height * factor;
        var planes = new float[3 * width * height];
        for (var c = 0; c < 3; c++)
        {
            for (var y = 0; y < height; y++)
            {
                for (var x = 0; x < width; x++)
                {
                    planes[(c * height + y) * width + x] = image.Planes[(c * image.Height + y / factor) * image.Width + x / factor];
                }
            }
        }
        return new RgbImage(width, height, planes);
    }
}
