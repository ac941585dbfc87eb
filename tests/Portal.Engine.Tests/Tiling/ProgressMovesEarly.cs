using Portal.Engine.Imaging;
using Portal.Engine.Inference;
using Portal.Engine.Tests.Support;
using Portal.Engine.Tiling;

namespace Portal.Engine.Tests.Tiling;

/// <summary>
/// A deep model takes seconds per CPU tile, so a job must not sit at 0 % for a whole tile: the
/// engine cuts the first CPU tile smaller, and the first progress report comes after a fraction
/// of a full tile's work. Measured in pixels the network was run on, not in time.
/// </summary>
public sealed class ProgressMovesEarly : IDisposable
{
    private const int Tile = 64;
    private const int Overlap = 12;
    private readonly TempDirectory temp = new();

    [Fact]
    public void On_the_cpu_the_first_report_comes_after_less_than_half_a_tile_of_work()
    {
        var (pixelsAtFirstReport, fullWindow, output) = Upscale(ExecutionDevice.Cpu, new EngineOptions { ModelsDirectory = "/nonexistent", CpuTileSize = Tile });

        // Default split 2: a quarter of the first core plus the overlap, 51 x 54 of 77 x 84 pixels (43 %).
        Assert.InRange(pixelsAtFirstReport, 1, fullWindow * 0.45);
        Assert.Equal(Reference(), output);
    }

    [Fact]
    public void Without_the_split_the_first_report_waits_for_a_whole_tile()
    {
        // The counter-check: the measure above can tell the two apart.
        var (pixelsAtFirstReport, fullWindow, output) = Upscale(
            ExecutionDevice.Cpu, new EngineOptions { ModelsDirectory = "/nonexistent", CpuTileSize = Tile, CpuFirstTileSplit = 1 });

        Assert.Equal(fullWindow, pixelsAtFirstReport);
        Assert.Equal(Reference(), output);
    }

    [Theory]
    [InlineData(160, 120, 64, 12, 2)]
    [InlineData(160, 120, 64, 12, 3)]
    [InlineData(160, 120, 200, 4, 4)]
    public void A_split_first_tile_still_covers_its_core_exactly_once(int width, int height, int tile, int overlap, int split)
    {
        var plan = TilePlanner.Plan(width, height, tile, overlap, split);
        var unsplit = TilePlanner.Plan(width, height, tile, overlap);

        var coverage = new int[width * height];
        foreach (var t in plan.Rows.SelectMany(r => r))
        {
            for (var y = t.Core.Y; y < t.Core.Y + t.Core.Height; y++)
            {
                for (var x = t.Core.X; x < t.Core.X + t.Core.Width; x++)
                {
                    coverage[(y * width) + x]++;
                }
            }

            Assert.InRange(t.Window.X, 0, width - t.Window.Width);
            Assert.InRange(t.Window.Y, 0, height - t.Window.Height);
            Assert.True(t.Core.X - t.Window.X >= Math.Min(overlap, t.Core.X));
            Assert.True(t.Core.Y - t.Window.Y >= Math.Min(overlap, t.Core.Y));
        }

        Assert.All(coverage, c => Assert.Equal(1, c));
        Assert.Equal(Enumerable.Range(0, plan.Count), plan.Rows.SelectMany(r => r).Select(t => t.Index));
        Assert.Equal(unsplit.Rows.Count, plan.Rows.Count);
        Assert.Equal(unsplit.Count - 1 + (split * split), plan.Count);
        var first = plan.Rows[0][0].Window;
        Assert.True(2L * first.Width * first.Height <= (long)unsplit.WindowWidth * unsplit.WindowHeight);
    }

    [Theory]
    [InlineData(30, 20, 64, 12)]
    [InlineData(128, 128, 192, 48)]
    public void A_split_that_would_not_shrink_the_window_is_not_made(int width, int height, int tile, int overlap)
    {
        // Small images: the pieces' windows would be clamped to (nearly) the whole image, so
        // four pieces would cost four times the work.
        var plan = TilePlanner.Plan(width, height, tile, overlap, 2);

        Assert.Equal(TilePlanner.Plan(width, height, tile, overlap).Rows.SelectMany(r => r), plan.Rows.SelectMany(r => r));
    }

    public void Dispose() => temp.Dispose();

    /// <summary>Runs the texture through the engine; returns the network pixels run before the first finished tile was reported.</summary>
    private (long PixelsAtFirstReport, long FullWindow, byte[] Output) Upscale(ExecutionDevice device, EngineOptions options)
    {
        using var upscaler = new ImageUpscaler(options);
        var input = FixturePath.Of("texture.png");
        var request = new UpscaleRequest { Scale = 2, Overlap = Overlap, Format = OutputFormat.Png };
        var plan = upscaler.PlanFor(ImageInspector.ReadHeader(input), TestModels.Entry("stand-in", 2), request);
        var model = new CountingModel(new BlurNearestModel(2, 2));
        long? pixelsAtFirstReport = null;
        var output = temp.File(Guid.NewGuid().ToString("N") + ".png");

        upscaler.Run(plan, model, device, input, output, request,
            new SyncProgress<UpscaleProgress>(p => pixelsAtFirstReport ??= p is { Stage: UpscaleStage.Upscaling, TilesDone: > 0 } ? model.Pixels : null),
            CancellationToken.None);

        var full = TilePlanner.Plan(160, 120, Tile, Overlap);
        using var image = NetVips.Image.NewFromFile(output);
        return (pixelsAtFirstReport!.Value, (long)full.WindowWidth * full.WindowHeight, image.WriteToMemory<byte>());
    }

    private static byte[] Reference()
    {
        using var source = SeamFreeAssembly.Load("texture.png");
        return SeamFreeAssembly.RunToBytes(source, new BlurNearestModel(2, 2), source.Width, 0);
    }

    private sealed class CountingModel(ITileModel inner) : ITileModel
    {
        public int Scale => inner.Scale;

        public long Pixels { get; private set; }

        public void Run(ReadOnlyMemory<float> input, int width, int height, Memory<float> output, CancellationToken cancellationToken)
        {
            Pixels += (long)width * height;
            inner.Run(input, width, height, output, cancellationToken);
        }
    }
}
