using Portal.Engine.Imaging;

namespace Portal.Engine.Tests.Imaging;

/// <summary>Download conversions run in the engine, under the same per-format limits as the upscaler.</summary>
public sealed class ResultConversion : IDisposable
{
    private readonly string folder = Directory.CreateTempSubdirectory("convert-").FullName;

    [Fact]
    public void A_result_wider_than_webp_allows_is_refused_before_anything_is_written()
    {
        using var wide = NetVips.Image.Black(16_400, 2);
        using var source = new MemoryStream(wide.PngsaveBuffer());
        var target = Path.Combine(folder, "wide.webp");

        var refused = Assert.Throws<UpscaleException>(() => ResultImages.Convert(source, OutputFormat.WebP, target, CancellationToken.None));

        Assert.Equal(UpscaleErrorCode.OutputTooLarge, refused.Code);
        Assert.Contains("16,383", refused.Message);
        Assert.False(File.Exists(target));
    }

    [Fact]
    public void A_transparent_result_becomes_a_jpeg_on_white()
    {
        using var transparent = NetVips.Image.Black(8, 8, bands: 4);
        using var source = new MemoryStream(transparent.PngsaveBuffer());
        var target = Path.Combine(folder, "flat.jpg");

        ResultImages.Convert(source, OutputFormat.Jpeg, target, CancellationToken.None);

        using var written = NetVips.Image.NewFromFile(target);
        Assert.Equal((8, 8, 3), (written.Width, written.Height, written.Bands));
        Assert.Equal(255, written.Avg(), 0);
    }

    public void Dispose() => Directory.Delete(folder, recursive: true);
}
