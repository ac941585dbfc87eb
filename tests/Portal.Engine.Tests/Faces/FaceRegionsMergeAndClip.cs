using Portal.Engine.Faces;
using Portal.Engine.Tiling;

namespace Portal.Engine.Tests.Faces;

/// <summary>How face boxes become redraw regions: grown by the margin, clipped to the image, merged where they touch.</summary>
public sealed class FaceRegionsMergeAndClip
{
    [Fact]
    public void A_box_grows_by_the_margin_split_over_both_sides()
    {
        var region = Assert.Single(FaceRegion.Plan([new FaceBox(100, 100, 50, 40)], 400, 300, 0.6f));
        Assert.Equal(new TileRect(85, 88, 80, 64), region.Area);
        Assert.Equal(1, region.Faces);
    }

    [Fact]
    public void A_face_cut_by_the_border_is_clipped_to_the_image()
    {
        var region = Assert.Single(FaceRegion.Plan([new FaceBox(-30, 250, 60, 80)], 400, 300, 0.6f));
        Assert.Equal(new TileRect(0, 226, 48, 74), region.Area);
    }

    [Fact]
    public void Overlapping_regions_merge_even_through_a_third_one()
    {
        // a and c do not touch, but both touch b once grown: one region.
        var regions = FaceRegion.Plan([new FaceBox(10, 10, 20, 20), new FaceBox(40, 10, 20, 20), new FaceBox(70, 10, 20, 20), new FaceBox(300, 200, 20, 20)], 400, 300, 0.6f);
        Assert.Equal(2, regions.Count);
        Assert.Equal(3, regions[0].Faces);
        Assert.Equal(new TileRect(4, 4, 92, 32), regions[0].Area);
        Assert.Equal(1, regions[1].Faces);
    }

    [Fact]
    public void Boxes_outside_the_image_or_not_finite_are_ignored()
    {
        Assert.Empty(FaceRegion.Plan([new FaceBox(500, 10, 20, 20), new FaceBox(float.NaN, 0, 10, 10), new FaceBox(0, 0, float.PositiveInfinity, 10)], 400, 300, 0.6f));
    }

    [Fact]
    public void The_mask_ramps_only_on_sides_away_from_the_border()
    {
        var mask = new FeatheredMask(new TileRect(0, 40, 100, 100), 400, 300, 20);
        Assert.Equal(1f, mask.At(0, 50)); // left side lies on the border: no ramp
        Assert.True(mask.At(50, 0) < 0.01f); // top edge away from the border fades out
        Assert.Equal(1f, mask.At(50, 50));
        Assert.True(mask.At(99, 50) < 0.01f);
        // Monotonic within the ramp.
        for (var y = 1; y < 20; y++)
        {
            Assert.True(mask.At(50, y) >= mask.At(50, y - 1));
        }
    }
}
