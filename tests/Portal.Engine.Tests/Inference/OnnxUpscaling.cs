using NetVips;
using Portal.Engine.Imaging;
using Portal.Engine.Inference;
using Portal.Engine.Tests.Support;

namespace Portal.Engine.Tests.Inference;

/// <summary>The real path: manifest, ONNX Runtime session, tiles, file out. Uses the smallest committed model.</summary>
public sealed class OnnxUpscaling : IDisposable
{
    private const string SmallModel = "esrgan-slim-x2";
    private readonly TempDirectory temp = new();
    private readonly ImageUpscaler sharedUpscaler = new(new EngineOptions { ModelsDirectory = RepoPaths.Models, CpuTileSize = 48 });

    [Fact]
    public async Task A_photo_is_upscaled_end_to_end()
    {
        var output = temp.File("out.png");
        var reports = new List<UpscaleProgress>();

        var result = await sharedUpscaler.UpscaleAsync(
            FixturePath.Of("photo.jpg"), output, new UpscaleRequest { ModelId = SmallModel, Scale = 2, Format = OutputFormat.Png },
            new SyncProgress<UpscaleProgress>(reports.Add));

        Assert.Equal((256, 192), (result.Width, result.Height));
        // 3 x 2 tiles of 48 px, the first cut into 2 x 2 on the CPU so progress moves early.
        Assert.Equal(9, result.Tiles);
        Assert.Contains(reports, p => p is { Stage: UpscaleStage.Upscaling, TilesDone: 9, TilesTotal: 9 });
        Assert.Equal(UpscaleStage.Done, reports[^1].Stage);

        // The network's result must be the same picture as a plain enlargement (not shifted, not recoloured).
        using var image = Image.NewFromFile(output);
        using var bicubic = Image.NewFromFile(FixturePath.Of("photo.jpg")).Resize(2, kernel: Enums.Kernel.Cubic);
        var psnr = Psnr.Of(image.WriteToMemory<byte>(), bicubic.WriteToMemory<byte>());
        Assert.True(psnr > 20, $"PSNR against bicubic {psnr:0.0} dB");
    }

    [Fact]
    public void Without_a_usable_gpu_the_cpu_is_used_and_the_reason_kept()
    {
        using var upscaler = new ImageUpscaler(new EngineOptions { ModelsDirectory = RepoPaths.Models, UseGpu = true });

        var model = upscaler.LoadModel(upscaler.Manifest.FindById(SmallModel)!);

        if (model.Device == ExecutionDevice.Cpu)
        {
            Assert.False(string.IsNullOrWhiteSpace(upscaler.GpuUnavailableReason));
        }

        Assert.Same(model, upscaler.LoadModel(upscaler.Manifest.FindById(SmallModel)!));
    }

    [Fact]
    public async Task Cancellation_reaches_the_job()
    {
        using var cts = new CancellationTokenSource();
        var output = temp.File("cancelled.png");

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => sharedUpscaler.UpscaleAsync(
            FixturePath.Of("texture.png"), output, new UpscaleRequest { ModelId = SmallModel, Scale = 2, TileSize = 32 },
            new SyncProgress<UpscaleProgress>(p => { if (p.TilesDone == 1) cts.Cancel(); }), cts.Token));

        Assert.Empty(Directory.GetFiles(temp.Path));
    }

    [Fact]
    public async Task Unknown_models_and_scales_are_typed_errors()
    {
        var unknown = await Assert.ThrowsAsync<UpscaleException>(() => sharedUpscaler.UpscaleAsync(
            FixturePath.Of("photo.png"), temp.File("x.png"), new UpscaleRequest { ModelId = "nope", Scale = 2 }));
        var badScale = await Assert.ThrowsAsync<UpscaleException>(() => sharedUpscaler.UpscaleAsync(
            FixturePath.Of("photo.png"), temp.File("x.png"), new UpscaleRequest { ModelId = SmallModel, Scale = 5 }));

        Assert.Equal("There is no model called 'nope'.", unknown.Message);
        Assert.Equal(UpscaleErrorCode.InvalidRequest, badScale.Code);
    }

    public void Dispose()
    {
        sharedUpscaler.Dispose();
        temp.Dispose();
    }
}
