using Portal.Engine.Imaging;
using Portal.Engine.Tests.Support;

namespace Portal.Engine.Tests.Imaging;

public sealed class ReadingFormats
{
    [Theory]
    [InlineData("photo.jpg", ImageFormat.Jpeg)]
    [InlineData("photo.png", ImageFormat.Png)]
    [InlineData("photo.webp", ImageFormat.WebP)]
    [InlineData("photo.tif", ImageFormat.Tiff)]
    [InlineData("photo.avif", ImageFormat.Avif)]
    [InlineData("cmyk.jpg", ImageFormat.Jpeg)]
    [InlineData("gray.png", ImageFormat.Png)]
    [InlineData("gray16.png", ImageFormat.Png)]
    [InlineData("rgb16.png", ImageFormat.Png)]
    [InlineData("rgba.png", ImageFormat.Png)]
    public void Every_input_format_decodes_to_upright_rgb(string file, ImageFormat format)
    {
        var path = FixturePath.Of(file);
        var header = ImageInspector.ReadHeader(path, ImageLimits.Default);
        using var image = ImageDecoder.Decode(path, header, CancellationToken.None);

        Assert.Equal(format, header.Format);
        Assert.Equal((128, 96), (image.Width, image.Height));
        var samples = image.Is16Bit ? image.Pixels16!.Length : image.Pixels8!.Length;
        Assert.Equal(128 * 96 * 3, samples);
    }

    [Fact]
    public void Headers_describe_bands_depth_and_alpha()
    {
        var rgba = ImageInspector.ReadHeader(FixturePath.Of("rgba.png"));
        var gray16 = ImageInspector.ReadHeader(FixturePath.Of("gray16.png"));
        var cmyk = ImageInspector.ReadHeader(FixturePath.Of("cmyk.jpg"));

        Assert.True(rgba.HasAlpha);
        Assert.Equal(4, rgba.Bands);
        Assert.True(gray16.IsGrayscale);
        Assert.Equal(16, gray16.BitsPerSample);
        Assert.True(cmyk.IsCmyk);
    }

    [Fact]
    public void Sixteen_bit_input_keeps_its_precision()
    {
        var path = FixturePath.Of("rgb16.png");
        using var image = ImageDecoder.Decode(path, ImageInspector.ReadHeader(path), CancellationToken.None);

        Assert.True(image.Is16Bit);
    }

    [Fact]
    public void Cmyk_is_converted_to_plausible_rgb()
    {
        var cmykPath = FixturePath.Of("cmyk.jpg");
        var rgbPath = FixturePath.Of("photo.png");
        using var cmyk = ImageDecoder.Decode(cmykPath, ImageInspector.ReadHeader(cmykPath), CancellationToken.None);
        using var rgb = ImageDecoder.Decode(rgbPath, ImageInspector.ReadHeader(rgbPath), CancellationToken.None);

        // A round trip through a print profile loses gamut, but the picture must be the same one.
        var mean = cmyk.Pixels8!.Zip(rgb.Pixels8!, (a, b) => Math.Abs(a - b)).Average();
        Assert.True(mean < 20, $"mean difference {mean}");
    }

    [Fact]
    public void Exif_orientation_is_applied()
    {
        var path = FixturePath.Of("orientation6.jpg");
        var header = ImageInspector.ReadHeader(path);
        using var image = ImageDecoder.Decode(path, header, CancellationToken.None);

        Assert.Equal(6, header.Orientation);
        Assert.Equal((96, 128), header.DisplaySize);
        Assert.Equal((96, 128), (image.Width, image.Height));
    }

    [Fact]
    public void Animated_gif_uses_the_first_frame()
    {
        var path = FixturePath.Of("animated.gif");
        var header = ImageInspector.ReadHeader(path);
        using var image = ImageDecoder.Decode(path, header, CancellationToken.None);

        Assert.Equal(3, header.Pages);
        Assert.Equal((64, 48), (image.Width, image.Height));
    }

    [Fact]
    public void Alpha_is_held_aside()
    {
        var path = FixturePath.Of("rgba.png");
        using var image = ImageDecoder.Decode(path, ImageInspector.ReadHeader(path), CancellationToken.None);

        Assert.NotNull(image.Alpha);
        Assert.Equal(1, image.Alpha!.Bands);
    }
}
