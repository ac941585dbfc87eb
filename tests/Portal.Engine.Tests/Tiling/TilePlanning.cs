using Portal.Engine.Tiling;

namespace Portal.Engine.Tests.Tiling;

public sealed class TilePlanning
{
    [Theory]
    [InlineData(128, 96, 48, 8)]
    [InlineData(1, 1, 192, 24)]
    [InlineData(10, 60000, 192, 24)]
    [InlineData(1000, 777, 192, 0)]
    [InlineData(4096, 4096, 192, 32)]
    public void Cores_cover_the_image_exactly_once(int width, int height, int tile, int overlap)
    {
        var plan = TilePlanner.Plan(width, height, tile, overlap);

        var covered = 0L;
        foreach (var t in plan.Rows.SelectMany(r => r))
        {
            covered += (long)t.Core.Width * t.Core.Height;
            Assert.True(t.Core.Width <= tile && t.Core.Height <= tile);
        }

        Assert.Equal((long)width * height, covered);
        Assert.All(plan.Rows, row => Assert.Equal(width, row.Sum(t => t.Core.Width)));
        Assert.Equal(height, plan.Rows.Sum(r => r[0].Core.Height));
    }

    [Fact]
    public void Windows_share_one_shape_and_give_each_core_its_context()
    {
        const int overlap = 10;
        var plan = TilePlanner.Plan(300, 200, 64, overlap);

        foreach (var t in plan.Rows.SelectMany(r => r))
        {
            Assert.Equal((plan.WindowWidth, plan.WindowHeight), (t.Window.Width, t.Window.Height));
            Assert.InRange(t.Window.X, 0, 300 - t.Window.Width);
            Assert.InRange(t.Window.Y, 0, 200 - t.Window.Height);

            // Context on every side, except where the image itself ends.
            Assert.True(t.Core.X - t.Window.X >= Math.Min(overlap, t.Core.X));
            Assert.True(t.Core.Y - t.Window.Y >= Math.Min(overlap, t.Core.Y));
            Assert.True(t.Window.X + t.Window.Width - (t.Core.X + t.Core.Width) >= Math.Min(overlap, 300 - (t.Core.X + t.Core.Width)));
            Assert.True(t.Window.Y + t.Window.Height - (t.Core.Y + t.Core.Height) >= Math.Min(overlap, 200 - (t.Core.Y + t.Core.Height)));
        }
    }

    [Fact]
    public void No_sliver_tiles()
    {
        var plan = TilePlanner.Plan(193, 100, 192, 16);

        Assert.Equal(2, plan.Rows[0].Count);
        Assert.Equal([96, 97], plan.Rows[0].Select(t => t.Core.Width));
    }
}
