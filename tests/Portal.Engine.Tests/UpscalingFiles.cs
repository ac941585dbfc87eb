using NetVips;
using Portal.Engine.Imaging;
using Portal.Engine.Inference;
using Portal.Engine.Tests.Support;

namespace Portal.Engine.Tests;

/// <summary>Whole files through the engine with a stand-in network: formats, alpha, grey, depth, metadata.</summary>
public sealed class UpscalingFiles : IDisposable
{
    private readonly TempDirectory temp = new();
    private readonly ImageUpscaler upscaler = new(new EngineOptions { ModelsDirectory = "/nonexistent", CpuTileSize = 48 });

    [Theory]
    [InlineData("photo.jpg", OutputFormat.SameAsInput, "jpegload")]
    [InlineData("photo.png", OutputFormat.SameAsInput, "pngload")]
    [InlineData("photo.webp", OutputFormat.SameAsInput, "webpload")]
    [InlineData("photo.tif", OutputFormat.SameAsInput, "pngload")]
    [InlineData("photo.avif", OutputFormat.SameAsInput, "pngload")]
    [InlineData("animated.gif", OutputFormat.SameAsInput, "pngload")]
    [InlineData("photo.jpg", OutputFormat.WebP, "webpload")]
    [InlineData("photo.png", OutputFormat.Jpeg, "jpegload")]
    [InlineData("cmyk.jpg", OutputFormat.Png, "pngload")]
    public void Writes_the_chosen_format_at_the_chosen_scale(string file, OutputFormat format, string loader)
    {
        var output = Upscale(file, new UpscaleRequest { Scale = 2, Format = format });

        using var image = Image.NewFromFile(output);
        var header = ImageInspector.ReadHeader(FixturePath.Of(file));
        Assert.Equal(loader, image.Get("vips-loader"));
        Assert.Equal(header.DisplaySize.Width * 2, image.Width);
        Assert.Equal(header.DisplaySize.Height * 2, image.Height);
        Assert.Equal(header.HasAlpha ? 4 : 3, image.Bands);
    }

    [Fact]
    public void The_result_looks_like_the_input()
    {
        var output = Upscale("photo.png", new UpscaleRequest { Scale = 2 }, radius: 0);

        using var result = Image.NewFromFile(output);
        using var expected = Image.NewFromFile(FixturePath.Of("photo.png")).Resize(2, kernel: Enums.Kernel.Nearest);
        Assert.Equal(0, (result - expected).Abs().Max());
    }

    [Fact]
    public void Alpha_is_upscaled_separately_and_reattached()
    {
        var output = Upscale("rgba.png", new UpscaleRequest { Scale = 2 });

        using var image = Image.NewFromFile(output);
        using var original = Image.NewFromFile(FixturePath.Of("rgba.png"));
        Assert.Equal(4, image.Bands);
        Assert.True(image.HasAlpha());
        Assert.InRange(image[3].Avg(), original[3].Avg() - 2, original[3].Avg() + 2);
    }

    [Fact]
    public void Alpha_is_flattened_onto_white_for_jpeg()
    {
        var output = Upscale("rgba.png", new UpscaleRequest { Scale = 2, Format = OutputFormat.Jpeg });

        using var image = Image.NewFromFile(output);
        Assert.Equal(3, image.Bands);
    }

    [Theory]
    [InlineData("gray.png", 1, Enums.BandFormat.Uchar)]
    [InlineData("gray16.png", 1, Enums.BandFormat.Ushort)]
    [InlineData("rgb16.png", 3, Enums.BandFormat.Ushort)]
    public void Grey_and_sixteen_bit_stay_as_they_were_in_png(string file, int bands, Enums.BandFormat depth)
    {
        var output = Upscale(file, new UpscaleRequest { Scale = 2 });

        using var image = Image.NewFromFile(output);
        Assert.Equal(bands, image.Bands);
        Assert.Equal(depth, image.Format);
    }

    [Fact]
    public void Sixteen_bit_becomes_eight_bit_in_jpeg()
    {
        var output = Upscale("rgb16.png", new UpscaleRequest { Scale = 2, Format = OutputFormat.Jpeg });

        using var image = Image.NewFromFile(output);
        using var reference = Image.NewFromFile(FixturePath.Of("photo.png"));
        Assert.Equal(Enums.BandFormat.Uchar, image.Format);
        Assert.InRange(image.Avg(), reference.Avg() - 3, reference.Avg() + 3);
    }

    [Fact]
    public void Orientation_is_applied_and_not_applied_twice()
    {
        var output = Upscale("orientation6.jpg", new UpscaleRequest { Scale = 2 });

        var header = ImageInspector.ReadHeader(output);
        Assert.Equal((192, 256), (header.Width, header.Height));
        Assert.Equal(1, header.Orientation);
    }

    [Fact]
    public void Metadata_is_kept_unless_stripped()
    {
        var kept = Upscale("orientation6.jpg", new UpscaleRequest { Scale = 2 });
        var stripped = Upscale("orientation6.jpg", new UpscaleRequest { Scale = 2, StripMetadata = true });

        using var a = Image.NewFromFile(kept);
        using var b = Image.NewFromFile(stripped);
        Assert.Contains("exif-data", a.GetFields());
        Assert.DoesNotContain("exif-data", b.GetFields());
    }

    [Fact]
    public void Scales_the_model_lacks_are_resampled()
    {
        var entry = TestModels.Entry("stand-in-x4", 4);
        var header = ImageInspector.ReadHeader(FixturePath.Of("photo.png"));
        var plan = upscaler.PlanFor(header, entry, new UpscaleRequest { Scale = 8 });
        var output = temp.File("x8.png");

        var result = upscaler.Run(plan, new BlurNearestModel(4, 1), ExecutionDevice.Cpu, FixturePath.Of("photo.png"), output, new UpscaleRequest { Scale = 8 }, null, CancellationToken.None);

        Assert.True(result.Resampled);
        Assert.Contains("resampling by 2", plan.Describe(), StringComparison.Ordinal);
        using var image = Image.NewFromFile(output);
        Assert.Equal((1024, 768), (image.Width, image.Height));
    }

    [Theory]
    [InlineData("one-pixel.png", 1, 1)]
    [InlineData("strip-10x60000.png", 10, 60000)]
    public void Degenerate_shapes_work(string file, int width, int height)
    {
        var output = Upscale(file, new UpscaleRequest { Scale = 2 }, radius: 0);

        var header = ImageInspector.ReadHeader(output);
        Assert.Equal((width * 2, height * 2), (header.Width, header.Height));
    }

    [Fact]
    public void A_result_too_wide_for_webp_is_refused_up_front()
    {
        var header = ImageInspector.ReadHeader(FixturePath.Of("strip-10x60000.png"));

        var error = Assert.Throws<UpscaleException>(() =>
            upscaler.PlanFor(header, TestModels.Entry("m", 2), new UpscaleRequest { Scale = 2, Format = OutputFormat.WebP }));

        Assert.Equal(UpscaleErrorCode.OutputTooLarge, error.Code);
        Assert.Equal("The result would be 20 x 120,000 pixels, but WebP images can be at most 16,383 pixels on a side; choose PNG or a smaller scale.", error.Message);
    }

    [Fact]
    public void Cancelling_leaves_no_files_behind()
    {
        using var cts = new CancellationTokenSource();
        var request = new UpscaleRequest { Scale = 2 };
        var header = ImageInspector.ReadHeader(FixturePath.Of("texture.png"));
        var plan = upscaler.PlanFor(header, TestModels.Entry("m", 2), request);
        var output = temp.File("cancelled.png");

        Assert.Throws<OperationCanceledException>(() => upscaler.Run(
            plan, new BlurNearestModel(2, 1), ExecutionDevice.Cpu, FixturePath.Of("texture.png"), output, request,
            new SyncProgress<UpscaleProgress>(p => { if (p.TilesDone == 1) cts.Cancel(); }), cts.Token));

        Assert.Empty(Directory.GetFiles(temp.Path));
    }

    private string Upscale(string file, UpscaleRequest request, int radius = 1)
    {
        var input = FixturePath.Of(file);
        var header = ImageInspector.ReadHeader(input, ImageLimits.Default);
        var plan = upscaler.PlanFor(header, TestModels.Entry("stand-in", request.Scale), request);
        var output = temp.File(Guid.NewGuid().ToString("N") + "-" + Path.GetFileNameWithoutExtension(file));
        upscaler.Run(plan, new BlurNearestModel(request.Scale, radius), ExecutionDevice.Cpu, input, output, request, null, CancellationToken.None);
        return output;
    }

    public void Dispose()
    {
        upscaler.Dispose();
        temp.Dispose();
    }
}
