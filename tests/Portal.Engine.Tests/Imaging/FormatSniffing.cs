using Portal.Engine.Imaging;
using Portal.Engine.Tests.Support;

namespace Portal.Engine.Tests.Imaging;

public sealed class FormatSniffing
{
    [Theory]
    [InlineData("photo.jpg", ImageFormat.Jpeg)]
    [InlineData("photo.png", ImageFormat.Png)]
    [InlineData("photo.webp", ImageFormat.WebP)]
    [InlineData("photo.tif", ImageFormat.Tiff)]
    [InlineData("photo.avif", ImageFormat.Avif)]
    [InlineData("animated.gif", ImageFormat.Gif)]
    [InlineData("not-an-image.png", ImageFormat.Unknown)]
    [InlineData("empty.png", ImageFormat.Unknown)]
    public void Format_comes_from_magic_bytes(string file, ImageFormat expected) =>
        Assert.Equal(expected, ImageInspector.SniffFile(FixturePath.Of(file)));

    [Fact]
    public void Heic_is_not_taken_for_avif()
    {
        byte[] heic = [0, 0, 0, 24, .. "ftypheic"u8, 0, 0, 0, 0, .. "mif1heic"u8];
        Assert.Equal(ImageFormat.Unknown, FormatSniffer.Sniff(heic));
    }
}
