using Portal.Models.Evaluation;
using Portal.Training.Data;

namespace Portal.Training;

/// <summary>
/// The same window of every method's output, one row per track (e.g. clean, light, medium, heavy): the
/// model input nearest-upscaled (its pixels and JPEG blocks stay visible), each method in the order it
/// was added, then the original; so a reader compares methods across a row and tracks down a column.
/// </summary>
/// <param name="left">Left edge of the window in the original's (output's) pixels.</param>
/// <param name="scale">The upscaling factor: the window's edges and sides must be multiples of it, so the input window is exact.</param>
public sealed class ComparisonCrops(int left, int top, int width, int height, int scale)
{
    private readonly List<(string Track, RgbImage Input, RgbImage Original, List<(string Method, RgbImage Tile)> Outputs)> rows = [];

    /// <summary>The tracks in row order, each with its method columns (without the input and the original).</summary>
    public IReadOnlyList<(string Track, IReadOnlyList<string> Methods)> Layout =>
        rows.Select(r => (r.Track, (IReadOnlyList<string>)r.Outputs.Select(o => o.Method).ToList())).ToList();

    /// <summary>Cuts the window from one method's output on one track; the first call of a track also cuts its input and original.</summary>
    public void Add(string track, string method, RgbImage input, RgbImage output, RgbImage original)
    {
        if (left % scale != 0 || top % scale != 0 || width % scale != 0 || height % scale != 0)
        {
            throw new ArgumentException($"The crop {left},{top} of {width}x{height} px is not on the x{scale} grid: its edges and sides must be multiples of {scale}.");
        }
        if (left < 0 || top < 0 || left + width > original.Width || top + height > original.Height)
        {
            throw new ArgumentException($"The crop {left},{top} of {width}x{height} px does not fit a {original.Width}x{original.Height} image.");
        }
        var row = rows.FirstOrDefault(r => r.Track == track);
        if (row.Track is null)
        {
            row = (track, Preview.Nearest(TrainingPairs.Crop(input, left / scale, top / scale, width / scale, height / scale), scale),
                TrainingPairs.Crop(original, left, top, width, height), []);
            rows.Add(row);
        }
        if (row.Outputs.All(o => o.Method != method))
        {
            row.Outputs.Add((method, TrainingPairs.Crop(output.Quantized(), left, top, width, height)));
        }
    }

    /// <summary>All rows stacked, each enlarged <paramref name="zoom"/> times with nearest neighbour.</summary>
    public RgbImage Render(int zoom = 1)
    {
        if (rows.Count == 0)
        {
            throw new InvalidOperationException("No output was added: nothing to show.");
        }
        var stacked = Preview.Stack(rows.Select(r => Preview.SideBySide([r.Input, .. r.Outputs.Select(o => o.Tile), r.Original])).ToList());
        return zoom == 1 ? stacked : Preview.Zoom(stacked, zoom);
    }
}
