using Portal.Models.Restoration;

namespace Portal.Engine.Tests.Restoration;

/// <summary>
/// The real-world cell's recipe: deblocking strength and the x4plus share of the mix follow the file's
/// JPEG quality through the measured anchors (30: strength 1, x4plus alone; 60: strength 4, a 60/40 mix),
/// and nothing runs for files without JPEG tables or saved at 90 and above.
/// </summary>
public sealed class RestorationFollowsTheJpegQuality
{
    private static readonly RealWorldRestoration Recipe = RealWorldRestoration.X4PlusWithX4Fast;

    [Theory]
    [InlineData(null, 0.0, 1.0)]
    [InlineData(100, 0.0, 1.0)]
    [InlineData(90, 0.0, 1.0)]
    [InlineData(89, 4.0, 0.6)]
    [InlineData(75, 4.0, 0.6)]
    [InlineData(60, 4.0, 0.6)]
    [InlineData(45, 2.5, 0.8)]
    [InlineData(30, 1.0, 1.0)]
    [InlineData(10, 1.0, 1.0)]
    public void Strength_and_share_by_quality(int? quality, double strength, double share)
    {
        Assert.Equal(strength, Recipe.DeblockStrengthFor(quality), 6);
        Assert.Equal(share, Recipe.PrimaryShareFor(quality), 6);
    }

    [Fact]
    public void The_strength_never_falls_as_the_quality_drops_towards_the_measured_60()
    {
        for (var q = 31; q <= 60; q++)
        {
            Assert.True(Recipe.DeblockStrengthFor(q) >= Recipe.DeblockStrengthFor(q - 1), $"strength falls from q{q - 1} to q{q}");
            Assert.True(Recipe.PrimaryShareFor(q) <= Recipe.PrimaryShareFor(q - 1), $"share rises from q{q - 1} to q{q}");
        }
    }

    [Fact]
    public void It_says_what_it_does()
    {
        Assert.Equal("deblocked at strength 4 for JPEG quality 60, mixed 60/40 with realesrgan-x4fast-x4", Recipe.Describe(60));
        Assert.Equal("deblocked at strength 1 for JPEG quality 30", Recipe.Describe(30));
        Assert.Equal("not deblocked", Recipe.Describe(null));
    }

    [Theory]
    [InlineData(1, 101, 67, 0, 0)]
    [InlineData(2, 101, 67, 5, 0)]
    [InlineData(3, 101, 67, 5, 3)]
    [InlineData(4, 101, 67, 0, 3)]
    [InlineData(5, 101, 67, 0, 0)]
    [InlineData(6, 101, 67, 5, 0)]
    [InlineData(7, 101, 67, 5, 3)]
    [InlineData(8, 101, 67, 0, 3)]
    public void The_grid_moves_with_a_mirroring_orientation(int orientation, int width, int height, int gridX, int gridY)
    {
        Assert.Equal((gridX, gridY), RestorationPlan.GridOffset(orientation, width, height));
    }
}
