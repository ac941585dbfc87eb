using Portal.Models;
using Portal.Models.Restoration;

namespace Portal.Tests.Cli;

/// <summary>`portal models evaluate --candidate`: each accepted form names the model, level and restoration it measures; the rest are refused by name.</summary>
public sealed class EvaluateCandidateParsing
{
    [Fact]
    public void A_bare_model_is_measured_alone_at_every_level()
    {
        var (level, name, model, restoration) = CandidateOption.Parse("photo-x4");

        Assert.Null(level);
        Assert.Equal("photo-x4", name);
        Assert.Equal("photo-x4", model);
        Assert.Null(restoration);
    }

    [Fact]
    public void A_level_prefix_limits_it_to_that_level_case_insensitively()
    {
        var (level, _, model, restoration) = CandidateOption.Parse("balanced:photo-x2");

        Assert.Equal(QualityLevel.Balanced, level);
        Assert.Equal("photo-x2", model);
        Assert.Null(restoration);
    }

    [Fact]
    public void Restoration_mixes_in_x4fast_and_deblock_keeps_only_the_deblocking()
    {
        var mixed = CandidateOption.Parse("realesrgan-x4plus-x4+restoration");
        var deblocked = CandidateOption.Parse("Detail:realesrgan-x4plus-x4+deblock");

        Assert.Equal(RealWorldRestoration.X4PlusWithX4Fast, mixed.Restoration);
        Assert.Equal("realesrgan-x4plus-x4 + restoration", mixed.Name);
        Assert.Equal(QualityLevel.Detail, deblocked.Level);
        Assert.Equal(RealWorldRestoration.X4PlusWithX4Fast.DeblockingOnly().PrimaryShare, deblocked.Restoration!.PrimaryShare);
        Assert.NotEqual(RealWorldRestoration.X4PlusWithX4Fast.PrimaryShare, deblocked.Restoration.PrimaryShare);
    }

    [Fact]
    public void A_partner_after_the_slash_replaces_x4fast_and_changes_nothing_else()
    {
        var (level, name, model, restoration) = CandidateOption.Parse("Ultra:realesrgan-x4plus-x4+restoration/photo-x4");

        Assert.Equal(QualityLevel.Ultra, level);
        Assert.Equal("realesrgan-x4plus-x4", model);
        Assert.Equal("realesrgan-x4plus-x4 + restoration with photo-x4", name);
        Assert.Equal("photo-x4", restoration!.PartnerModelId);
        Assert.Equal(RealWorldRestoration.X4PlusWithPhotoX4, restoration);
        Assert.NotEqual(RealWorldRestoration.X4PlusWithX4Fast.PartnerModelId, restoration.PartnerModelId);
    }

    [Theory]
    [InlineData("Sharp:photo-x4", "\"Sharp\" is not a quality level")]
    [InlineData("7:photo-x4", "\"7\" is not a quality level")]
    [InlineData("realesrgan-x4plus-x4+restoration/", "got \"realesrgan-x4plus-x4+restoration/\"")]
    [InlineData("photo-x4+blend", "got \"photo-x4+blend\"")]
    public void Other_forms_are_refused_with_the_part_that_is_wrong(string value, string expected)
    {
        var error = Assert.Throws<FormatException>(() => CandidateOption.Parse(value));

        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
    }
}
