using Portal.Web.Components.Shared;

namespace Portal.Tests.Components;

public sealed class PluralCounts
{
    [Theory]
    [InlineData(0, "credit", null, "0 credits")]
    [InlineData(1, "credit", null, "1 credit")]
    [InlineData(2, "image", null, "2 images")]
    [InlineData(1200, "credit", null, "1,200 credits")]
    [InlineData(1, "batch", "batches", "1 batch")]
    [InlineData(3, "batch", "batches", "3 batches")]
    public void A_count_takes_the_singular_only_for_one(int count, string one, string? many, string expected) =>
        Assert.Equal(expected, Plural.Of(count, one, many));
}
