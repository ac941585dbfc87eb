using Portal.Engine.Imaging;
using Portal.Engine.Inference;
using Portal.Engine.Tests.Support;
using Portal.Engine.Tiling;
using Xunit.Abstractions;

namespace Portal.Engine.Tests.Tiling;

/// <summary>
/// For every installed model: a tiled run at the model's chosen overlap stays within 50 dB PSNR of an
/// untiled run of the same image. Small tiles (40 px) make many seams on a fur texture, the worst case.
/// Models fetched on first use (in the repository's .cache/) are included with PORTAL_TEST_ALL_MODELS=1.
/// </summary>
public sealed class TiledMatchesUntiled(ITestOutputHelper output) : IDisposable
{
    private const int TestTile = 40;
    private static readonly EngineOptions Options = new()
    {
        ModelsDirectory = RepoPaths.Models,
        ModelCacheDirectory = Path.Combine(Path.GetDirectoryName(RepoPaths.Models)!, ".cache"),
        UseGpu = false,
    };

    private readonly ImageUpscaler sharedUpscaler = new(Options);
    private readonly ImageUpscaler floatUpscaler = new(Options with { CpuPrecision = ModelPrecision.Float32 });

    /// <summary>Every installed model in float32, and again as its int8 variant where it has one.</summary>
    public static TheoryData<string, ModelPrecision> InstalledModels()
    {
        var data = new TheoryData<string, ModelPrecision>();
        using var upscaler = new ImageUpscaler(Options);
        // Fetched models (thick, div2k, x4plus-anime) cost minutes on 2 cores; they run when asked for
        // with PORTAL_TEST_ALL_MODELS=1 (their measured values are in docs/BENCHMARKS.md).
        var all = Environment.GetEnvironmentVariable("PORTAL_TEST_ALL_MODELS") == "1";
        foreach (var model in upscaler.Manifest.Models)
        {
            if ((model.Committed || all) && upscaler.IsInstalled(model))
            {
                data.Add(model.Id, ModelPrecision.Float32);
            }

            // Int8 variants are committed and run without the float file, so they are always tested.
            if (model.Int8 is not null)
            {
                data.Add(model.Id, ModelPrecision.Int8);
            }
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(InstalledModels))]
    public void Seams_stay_below_50_dB(string modelId, ModelPrecision precision)
    {
        var upscaler = precision == ModelPrecision.Int8 ? sharedUpscaler : floatUpscaler;
        var entry = upscaler.Manifest.FindById(modelId)!;
        var model = upscaler.LoadModel(entry);
        Assert.Equal(precision, model.Precision);
        using var full = SeamFreeAssembly.Load("texture.png");

        // Heavy networks get a 96 x 72 crop (still 6 tiles) to keep the suite within minutes, unless
        // their overlap is so wide that a window would cover the whole crop.
        var overlap = ModelOverlaps.For(entry, precision);
        var heavy = entry.FlopsPerInputPixel > 4_000_000 && TestTile + (2 * overlap) < 72;
        using var source = heavy ? Crop(full, 96, 72) : Crop(full, full.Width, full.Height);
        var untiled = SeamFreeAssembly.RunToBytes(source, model, Math.Max(source.Width, source.Height), 0);
        var tiled = SeamFreeAssembly.RunToBytes(source, model, TestTile, overlap);
        var psnr = Psnr.Of(untiled, tiled);

        output.WriteLine($"{modelId} ({precision}): overlap {overlap} -> {psnr:0.00} dB");
        Assert.True(psnr >= 50, $"{modelId} ({precision}) at overlap {overlap}: {psnr:0.00} dB");
    }

    [Fact]
    public void The_engine_reproduces_a_plain_whole_image_run()
    {
        var entry = sharedUpscaler.Manifest.FindById("esrgan-slim-x2")!;
        using var source = SeamFreeAssembly.Load("photo.png");
        var engine = SeamFreeAssembly.RunToBytes(source, sharedUpscaler.LoadModel(entry), 1000, 0);

        using var reference = new Portal.Models.Evaluation.OnnxUpscaler(sharedUpscaler.ModelPath(entry));
        var expected = reference.Upscale(Portal.Models.Evaluation.RgbImage.Load(FixturePath.Of("photo.png"))).ToBytes();

        // Same network, same numbers, up to float rounding at .5 boundaries.
        Assert.Equal(expected.Length, engine.Length);
        Assert.True(expected.Zip(engine, (a, b) => Math.Abs(a - b)).Max() <= 1);
    }

    private static SourceImage Crop(SourceImage image, int width, int height)
    {
        var pixels = new byte[width * height * 3];
        for (var y = 0; y < height; y++)
        {
            Array.Copy(image.Pixels8!, y * image.Width * 3, pixels, y * width * 3, width * 3);
        }

        return new SourceImage(width, height, pixels, null, null, false, new Dictionary<string, byte[]>());
    }

    public void Dispose()
    {
        sharedUpscaler.Dispose();
        floatUpscaler.Dispose();
    }
}
