using System.Diagnostics;
using Portal.Engine.Imaging;
using Portal.Engine.Tests.Support;

namespace Portal.Engine.Tests.Imaging;

/// <summary>Every shipped hostile file either works or fails with a typed error and a readable sentence, quickly.</summary>
public sealed class HostileInputs
{
    [Theory]
    [InlineData("empty.png", UpscaleErrorCode.EmptyFile, "The file is empty (0 bytes).")]
    [InlineData("not-an-image.png", UpscaleErrorCode.UnsupportedFormat, "This file is not an image in a supported format (JPEG, PNG, WebP, TIFF, GIF or AVIF).")]
    [InlineData("huge-dimensions.png", UpscaleErrorCode.TooManyPixels, "This image is 30,000 x 30,000 pixels; the limit is 40 megapixels.")]
    public void Refused_from_the_header(string file, UpscaleErrorCode code, string message)
    {
        var started = Stopwatch.GetTimestamp();
        var before = GC.GetTotalAllocatedBytes(precise: true);

        var error = Assert.Throws<UpscaleException>(() => ImageInspector.ReadHeader(FixturePath.Of(file), ImageLimits.Default));

        Assert.Equal(code, error.Code);
        Assert.Equal(message, error.Message);
        Assert.True(GC.GetTotalAllocatedBytes(precise: true) - before < 10_000_000, "refusing must not allocate the claimed size");
        Assert.True(Stopwatch.GetElapsedTime(started) < TimeSpan.FromSeconds(5));
    }

    [Fact]
    public void A_huge_header_is_read_without_decoding()
    {
        var header = ImageInspector.ReadHeader(FixturePath.Of("huge-dimensions.png"));

        Assert.Equal((30000, 30000), (header.Width, header.Height));
        Assert.Equal(ImageFormat.Png, header.Format);
        Assert.Equal(167, header.FileBytes);
    }

    [Theory]
    [InlineData("truncated.jpg", "This JPEG file is damaged or incomplete and could not be read.")]
    [InlineData("truncated.png", "This PNG file is damaged or incomplete and could not be read.")]
    public void Truncated_files_fail_when_decoded(string file, string message)
    {
        var path = FixturePath.Of(file);
        var error = Assert.Throws<UpscaleException>(() =>
        {
            var header = ImageInspector.ReadHeader(path, ImageLimits.Default);
            using var image = ImageDecoder.Decode(path, header, CancellationToken.None);
        });

        Assert.Equal(UpscaleErrorCode.DamagedImage, error.Code);
        Assert.Equal(message, error.Message);
    }

    [Fact]
    public void A_missing_file_is_reported()
    {
        var error = Assert.Throws<UpscaleException>(() => ImageInspector.ReadHeader("/nonexistent/x.png"));
        Assert.Equal(UpscaleErrorCode.FileNotFound, error.Code);
    }

    [Fact]
    public void A_file_over_the_byte_limit_is_refused_before_it_is_opened()
    {
        var limits = new ImageLimits { MaxBytes = 1000 };

        var error = Assert.Throws<UpscaleException>(() => ImageInspector.ReadHeader(FixturePath.Of("photo.png"), limits));

        Assert.Equal(UpscaleErrorCode.TooManyBytes, error.Code);
        Assert.Equal("This file is 33.8 KB; the limit is 1,000 bytes.", error.Message);
    }

    [Fact]
    public void The_megapixel_limit_is_configurable()
    {
        var limits = new ImageLimits { MaxMegapixels = 0.01 };

        var error = Assert.Throws<UpscaleException>(() => ImageInspector.ReadHeader(FixturePath.Of("photo.png"), limits));

        Assert.Equal("This image is 128 x 96 pixels; the limit is 0.01 megapixels.", error.Message);
    }
}
