using Portal.Models.Evaluation;

namespace Portal.Training.Tests.Training;

/// <summary>
/// The side-by-side crops of `portal train evaluate --crop`: the same window from every method, one row per track,
/// the input nearest-upscaled first and the original last.
/// </summary>
public sealed class ComparisonCropsLayout
{
    private const int Scale = 2;
    private const int Gap = 4;
    private const int Left = 6;
    private const int Top = 4;
    private const int Side = 8;

    [Fact]
    public void Every_tile_shows_the_same_window_of_its_source_in_track_rows()
    {
        var original = Pattern(24, 20, 0);
        var sheet = new ComparisonCrops(Left, Top, Side, Side, Scale);
        string[] tracks = ["clean", "heavy"];
        string[] methods = ["lanczos3", "start", "trained"];
        foreach (var (track, t) in tracks.Select((track, t) => (track, t)))
        {
            var input = Pattern(12, 10, 50 + t);
            foreach (var (method, m) in methods.Select((method, m) => (method, m)))
            {
                sheet.Add(track, method, input, Pattern(24, 20, 100 + 10 * t + m), original);
            }
            sheet.Add(track, "start", input, Pattern(24, 20, 200), original); // a method measured twice keeps its first output
        }

        var picture = sheet.Render();

        Assert.Equal(["clean: lanczos3, start, trained", "heavy: lanczos3, start, trained"], sheet.Layout.Select(r => $"{r.Track}: {string.Join(", ", r.Methods)}"));
        Assert.Equal(5 * Side + 4 * Gap, picture.Width);
        Assert.Equal(2 * Side + Gap, picture.Height);
        for (var t = 0; t < tracks.Length; t++)
        {
            var y0 = t * (Side + Gap);
            for (var y = 0; y < Side; y++)
            {
                for (var x = 0; x < Side; x++)
                {
                    Assert.Equal(Value(50 + t, Left / Scale + x / Scale, Top / Scale + y / Scale, 1), Pixel(picture, x, y0 + y, 1), 6);
                    for (var m = 0; m < methods.Length; m++)
                    {
                        Assert.Equal(Value(100 + 10 * t + m, Left + x, Top + y, 1), Pixel(picture, (m + 1) * (Side + Gap) + x, y0 + y, 1), 6);
                    }
                    Assert.Equal(Value(0, Left + x, Top + y, 2), Pixel(picture, 4 * (Side + Gap) + x, y0 + y, 2), 6);
                }
            }
        }
    }

    [Fact]
    public void A_zoomed_sheet_repeats_each_pixel()
    {
        var sheet = new ComparisonCrops(Left, Top, Side, Side, Scale);
        sheet.Add("clean", "trained", Pattern(12, 10, 1), Pattern(24, 20, 2), Pattern(24, 20, 3));

        var plain = sheet.Render();
        var zoomed = sheet.Render(zoom: 2);

        Assert.Equal((plain.Width * 2, plain.Height * 2), (zoomed.Width, zoomed.Height));
        Assert.Equal(Pixel(plain, Side + Gap + 3, 5, 0), Pixel(zoomed, 2 * (Side + Gap + 3) + 1, 11, 0));
    }

    [Fact]
    public void A_window_off_the_scale_grid_or_outside_the_image_is_refused_with_a_sentence()
    {
        var offGrid = Assert.Throws<ArgumentException>(() => new ComparisonCrops(3, 4, 8, 8, Scale).Add("clean", "x", Pattern(12, 10, 1), Pattern(24, 20, 2), Pattern(24, 20, 3)));
        Assert.Contains("multiples of 2", offGrid.Message);
        var outside = Assert.Throws<ArgumentException>(() => new ComparisonCrops(18, 4, 8, 8, Scale).Add("clean", "x", Pattern(12, 10, 1), Pattern(24, 20, 2), Pattern(24, 20, 3)));
        Assert.Contains("does not fit a 24x20 image", outside.Message);
        Assert.Throws<InvalidOperationException>(() => new ComparisonCrops(0, 0, 8, 8, Scale).Render());
    }

    // Every pixel of every image distinct (and exact after 8-bit quantisation), so a tile cut from the wrong place or source shows.
    private static float Value(int seed, int x, int y, int channel) => (seed * 7 + x * 5 + y * 11 + channel * 3) % 256 / 255f;

    private static RgbImage Pattern(int width, int height, int seed)
    {
        var planes = new float[3 * width * height];
        for (var c = 0; c < 3; c++)
        {
            for (var y = 0; y < height; y++)
            {
                for (var x = 0; x < width; x++)
                {
                    planes[(c * height + y) * width + x] = Value(seed, x, y, c);
                }
            }
        }
        return new RgbImage(width, height, planes);
    }

    private static float Pixel(RgbImage image, int x, int y, int channel) => image.Planes[(channel * image.Height + y) * image.Width + x];
}
