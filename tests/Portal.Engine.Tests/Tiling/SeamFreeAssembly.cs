using Portal.Engine.Imaging;
using Portal.Engine.Tests.Support;
using Portal.Engine.Tiling;

namespace Portal.Engine.Tests.Tiling;

public sealed class SeamFreeAssembly
{
    [Theory]
    [InlineData(2, 2, 24, 2)]
    [InlineData(3, 3, 40, 3)]
    [InlineData(4, 1, 17, 1)]
    public void With_enough_overlap_tiled_equals_untiled_exactly(int scale, int radius, int tile, int overlap)
    {
        using var source = Load("texture.png");

        var untiled = RunToBytes(source, new BlurNearestModel(scale, radius), source.Width, 0);
        var tiled = RunToBytes(source, new BlurNearestModel(scale, radius), tile, overlap);

        Assert.Equal(source.Width * scale * source.Height * scale * 3, untiled.Length);
        Assert.Equal(untiled, tiled);
    }

    [Fact]
    public void Too_little_overlap_shows_as_seams()
    {
        using var source = Load("texture.png");

        var untiled = RunToBytes(source, new BlurNearestModel(2, 3), source.Width, 0);
        var tiled = RunToBytes(source, new BlurNearestModel(2, 3), 32, 0);

        Assert.True(Psnr.Of(untiled, tiled) < 50, "the test must be able to see a seam");
    }

    [Fact]
    public void Each_row_of_tiles_is_written_as_one_band()
    {
        using var source = Load("texture.png");
        var model = new BlurNearestModel(2, 1);
        var plan = TilePlanner.Plan(source.Width, source.Height, 50, 4);
        using var stream = new CountingStream();

        TiledRunner.Run(source, model, plan, stream, null, CancellationToken.None);

        Assert.Equal(plan.Rows.Count, stream.Writes);
        Assert.Equal(plan.Count, model.Runs);
    }

    [Fact]
    public void Progress_counts_every_tile()
    {
        using var source = Load("texture.png");
        var plan = TilePlanner.Plan(source.Width, source.Height, 40, 2);
        var reports = new List<UpscaleProgress>();

        TiledRunner.Run(source, new BlurNearestModel(2, 1), plan, Stream.Null, new SyncProgress<UpscaleProgress>(reports.Add), CancellationToken.None);

        Assert.Equal(plan.Count + 1, reports.Count);
        Assert.Equal(new UpscaleProgress(UpscaleStage.Upscaling, plan.Count, plan.Count), reports[^1]);
    }

    [Fact]
    public void Cancellation_stops_between_tiles()
    {
        using var source = Load("texture.png");
        var plan = TilePlanner.Plan(source.Width, source.Height, 32, 2);
        using var cts = new CancellationTokenSource();
        var model = new BlurNearestModel(2, 1);

        Assert.Throws<OperationCanceledException>(() => TiledRunner.Run(
            source, model, plan, Stream.Null,
            new SyncProgress<UpscaleProgress>(p => { if (p.TilesDone == 2) cts.Cancel(); }),
            cts.Token));
        Assert.Equal(2, model.Runs);
    }

    internal static SourceImage Load(string name)
    {
        var path = FixturePath.Of(name);
        return ImageDecoder.Decode(path, ImageInspector.ReadHeader(path), CancellationToken.None);
    }

    internal static byte[] RunToBytes(SourceImage source, Portal.Engine.Inference.ITileModel model, int tile, int overlap)
    {
        using var stream = new MemoryStream();
        TiledRunner.Run(source, model, TilePlanner.Plan(source.Width, source.Height, tile, overlap), stream, null, CancellationToken.None);
        return stream.ToArray();
    }

    private sealed class CountingStream : MemoryStream
    {
        public int Writes { get; private set; }

        public override void Write(ReadOnlySpan<byte> buffer)
        {
            Writes++;
            base.Write(buffer);
        }
    }
}
