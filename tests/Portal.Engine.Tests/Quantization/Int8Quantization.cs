using System.Runtime.InteropServices;
using Microsoft.ML.OnnxRuntime;
using Portal.Engine.Inference;
using Portal.Engine.Tests.Support;
using Portal.Models;
using Portal.Models.Evaluation;
using Portal.Models.Onnx;
using Portal.Models.Quantization;

namespace Portal.Engine.Tests.Quantization;

/// <summary>
/// The int8 path: calibration and the QDQ rewrite on a real model, ONNX Runtime really running
/// integer convolutions, the committed variants staying close to float32, and the engine choosing
/// the variant on the CPU only when asked to.
/// </summary>
public sealed class Int8Quantization
{
    private const string SmallModel = "esrgan-slim-x2";

    private static readonly Lazy<QuantizedModel> SmallQuantized = new(() => ModelQuantizer.Quantize(
        File.ReadAllBytes(Path.Combine(RepoPaths.Models, SmallModel + ".onnx")),
        [RgbImage.Load(Path.Combine(RepoPaths.Models, "calibration", "fruits.png")), RgbImage.Load(Path.Combine(RepoPaths.Models, "calibration", "board.png"))],
        new QuantizationOptions(TargetPsnr: 43)));

    [Fact]
    public void Every_convolution_gets_int8_weights_within_seven_bits_and_uint8_activations()
    {
        var graph = OnnxGraph.Read(SmallQuantized.Value.Onnx);

        var weights = graph.Initializers.Where(t => t.DataType == OnnxDataType.Int8 && t.Dims.Length == 4).ToList();
        Assert.Equal(SmallQuantized.Value.IntegerConvs, weights.Count);
        Assert.True(SmallQuantized.Value.IntegerConvs > 0);
        // 7-bit weights: no pair of uint8 x int8 products can saturate AVX2's 16-bit multiply-add.
        Assert.All(weights, w => Assert.All(MemoryMarshal.Cast<byte, sbyte>(w.RawData).ToArray(), v => Assert.InRange(v, -63, 63)));
        Assert.Contains(graph.Nodes, n => n.OpType == "QuantizeLinear");
    }

    [Fact]
    public void Onnx_runtime_runs_the_convolutions_as_integer_kernels()
    {
        var optimized = Path.Combine(Path.GetTempPath(), $"int8-optimized-{Guid.NewGuid():N}.onnx");
        try
        {
            using (var options = new SessionOptions { GraphOptimizationLevel = GraphOptimizationLevel.ORT_ENABLE_ALL, OptimizedModelFilePath = optimized })
            using (new InferenceSession(SmallQuantized.Value.Onnx, options))
            {
            }
            var text = System.Text.Encoding.ASCII.GetString(File.ReadAllBytes(optimized));
            var fused = CountOccurrences(text, "QLinearConv");
            Assert.True(fused >= SmallQuantized.Value.IntegerConvs, $"{fused} QLinearConv mentions for {SmallQuantized.Value.IntegerConvs} int8 convolutions");
        }
        finally
        {
            File.Delete(optimized);
        }
    }

    [Fact]
    public void The_int8_output_stays_within_40_dB_of_float32_on_an_image_it_was_not_calibrated_on()
    {
        var image = ModelQuantizer.Crop(RgbImage.Load(Path.Combine(RepoPaths.Models, "evaluation", "photos", "coffee.png")), 96, 96, 160, 160);
        using var floatModel = new OnnxUpscaler(Path.Combine(RepoPaths.Models, SmallModel + ".onnx"));
        using var int8Model = new OnnxUpscaler(SmallQuantized.Value.Onnx);

        var psnr = ImageQuality.RgbPsnr(floatModel.Upscale(image).Quantized(), int8Model.Upscale(image).Quantized());

        Assert.True(psnr >= 40, $"int8 vs float32: {psnr:0.00} dB");
        Assert.True(psnr < 100, "identical outputs would mean the int8 model was not used");
    }

    public static TheoryData<string> CommittedVariants() =>
        [.. ModelManifest.Load(Path.Combine(RepoPaths.Models, ModelManifest.FileName)).Models
            .Where(m => m.Int8 is not null && m.Committed).Select(m => m.Id)];

    [Theory]
    [MemberData(nameof(CommittedVariants))]
    public void A_committed_int8_variant_matches_its_hash_and_stays_within_40_dB_of_float32(string id)
    {
        var store = new ModelStore(RepoPaths.Models, Path.GetTempPath());
        var entry = store.Manifest.FindById(id)!;
        var int8Path = store.Int8PathOf(entry);
        Assert.NotNull(int8Path);
        Assert.Equal(entry.Int8!.Sha256, Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(File.ReadAllBytes(int8Path))));
        Assert.True(entry.Int8.PsnrVsFloat >= 40, $"recorded {entry.Int8.PsnrVsFloat} dB");

        var image = ModelQuantizer.Crop(RgbImage.Load(Path.Combine(RepoPaths.Models, "evaluation", "photos", "rocket.png")), 120, 120, 120, 120);
        using var floatModel = new OnnxUpscaler(store.PathOf(entry));
        using var int8Model = new OnnxUpscaler(int8Path);
        var psnr = ImageQuality.RgbPsnr(floatModel.Upscale(image).Quantized(), int8Model.Upscale(image).Quantized());
        Assert.True(psnr >= 40, $"{id} int8 vs float32: {psnr:0.00} dB");
    }

    [Theory]
    [InlineData(ModelPrecision.Int8, ModelPrecision.Int8)]
    [InlineData(ModelPrecision.Float32, ModelPrecision.Float32)]
    public void The_cpu_runs_the_int8_variant_unless_float32_is_configured(ModelPrecision configured, ModelPrecision expected)
    {
        using var upscaler = new ImageUpscaler(new EngineOptions { ModelsDirectory = RepoPaths.Models, UseGpu = false, CpuPrecision = configured });
        var withVariant = upscaler.Manifest.Models.First(m => m.Int8 is not null && m.Committed);
        var withoutVariant = upscaler.Manifest.Models.First(m => m.Int8 is null && m.Committed);

        Assert.Equal(expected, upscaler.LoadModel(withVariant).Precision);
        Assert.Equal(ModelPrecision.Float32, upscaler.LoadModel(withoutVariant).Precision);
    }

    [Fact]
    public async Task A_fetched_model_runs_its_committed_int8_variant_on_the_cpu_without_being_downloaded()
    {
        using var cache = new TempDirectory();
        using var upscaler = new ImageUpscaler(new EngineOptions { ModelsDirectory = RepoPaths.Models, ModelCacheDirectory = cache.Path, UseGpu = false, CpuTileSize = 48 });
        var entry = upscaler.Manifest.Models.FirstOrDefault(m => !m.Committed && m.Int8 is not null);
        Assert.NotNull(entry);

        var result = await upscaler.UpscaleAsync(
            FixturePath.Of("one-pixel.png"), cache.File("out.png"), new UpscaleRequest { ModelId = entry.Id, Scale = entry.Scale });

        Assert.Equal(ModelPrecision.Int8, result.Precision);
        Assert.Equal((entry.Scale, entry.Scale), (result.Width, result.Height));
        Assert.False(upscaler.IsInstalled(entry), "the float32 model was fetched although the CPU only needed the int8 variant");
        Assert.Empty(Directory.GetFiles(cache.Path, "*.onnx", SearchOption.AllDirectories));
    }

    [Theory]
    [InlineData(0f, 6f, 0)]
    [InlineData(-1f, 3f, 64)]
    [InlineData(0.5f, 2f, 0)]
    [InlineData(-3f, -1f, 255)]
    public void Activation_ranges_always_hold_an_exact_zero(float min, float max, byte expectedZeroPoint)
    {
        var (scale, zeroPoint) = QdqQuantizer.ActivationParameters(min, max);

        Assert.Equal(expectedZeroPoint, zeroPoint);
        Assert.True(scale > 0);
        // Both ends of the range (widened to include 0) land within one step of the uint8 grid's ends.
        Assert.InRange(Math.Abs(Math.Min(min, 0) - (0 - zeroPoint) * scale), 0, scale);
        Assert.InRange(Math.Abs(Math.Max(max, 0) - (255 - zeroPoint) * scale), 0, scale);
    }

    private static int CountOccurrences(string text, string value)
    {
        var count = 0;
        for (var i = text.IndexOf(value, StringComparison.Ordinal); i >= 0; i = text.IndexOf(value, i + value.Length, StringComparison.Ordinal))
        {
            count++;
        }
        return count;
    }
}
