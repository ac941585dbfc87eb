using Portal.Models.Evaluation;
using Portal.Models.Quantization;
using Portal.Training.Architectures;
using Portal.Training.Quantization;
using Portal.Training.Tests.Support;
using static TorchSharp.torch;

namespace Portal.Training.Tests.Quantization;

public sealed class QuantizationAwareTuning
{
    [Theory]
    [InlineData(7)]
    [InlineData(8)]
    public void The_simulated_int8_forward_pass_matches_onnx_runtime_running_the_quantizers_graph(int weightBits)
    {
        random.manual_seed(11);
        using var network = new SrvggCompact(features: 8, convolutions: 3, scale: 2);
        network.eval();
        var calibration = Enumerable.Range(0, 3).Select(i => TinyDataSet.Pattern(40, (ulong)(20 + i))).ToList();
        var image = TinyDataSet.Pattern(40, 99);

        var quantized = ModelQuantizer.Quantize(network.ToOnnx("fake-quant"), calibration, new QuantizationOptions(WeightBits: weightBits, TargetPsnr: 1));
        using var integer = new OnnxUpscaler(quantized.Onnx);
        var expected = integer.Upscale(image).Planes;

        var ranges = FakeQuantization.Calibrate(network, calibration);
        float[] simulated, plain;
        using (no_grad())
        {
            using var input = FakeQuantization.ImageTensor(image);
            using var output = FakeQuantization.Forward(network, input, ranges, weightBits).clamp(0, 1);
            simulated = output.data<float>().ToArray();
            using var floatOutput = network.call(input).clamp(0, 1);
            plain = floatOutput.data<float>().ToArray();
        }

        var simulatedPsnr = Psnr(expected, simulated);
        var floatPsnr = Psnr(expected, plain);
        if (weightBits == 8 && !ExactInt8Kernels())
        {
            // Without VNNI, ONNX Runtime's pair sums saturate with full 8-bit weights (why QuantizationOptions.WeightBits defaults
            // to 7), so its result is not the exact arithmetic simulated here (AVX2-only machine: 58.5 dB, float32 57.5 dB).
            Assert.True(simulatedPsnr > floatPsnr, $"simulated {simulatedPsnr:F1} dB is not closer to int8 than float32's {floatPsnr:F1} dB");
            return;
        }
        // Rounding ties may fall the other way in a few places (float convolution vs integer accumulation), nowhere else.
        Assert.True(simulatedPsnr >= 60, $"simulated int8 vs ONNX Runtime's int8: {simulatedPsnr:F1} dB (float32 vs int8: {floatPsnr:F1} dB)");
        // And the simulation is not just the float model: int8 rounding is visible and reproduced.
        Assert.True(simulatedPsnr > floatPsnr + 10, $"simulated {simulatedPsnr:F1} dB is not clearly closer to int8 than float32's {floatPsnr:F1} dB");
    }

    /// <summary>Whether ONNX Runtime's int8 products are exact here: not x64, or an x64 CPU with a VNNI instruction set.</summary>
    private static bool ExactInt8Kernels()
    {
        if (System.Runtime.InteropServices.RuntimeInformation.ProcessArchitecture != System.Runtime.InteropServices.Architecture.X64)
        {
            return true;
        }
        if (System.Runtime.Intrinsics.X86.AvxVnni.IsSupported)
        {
            return true;
        }
        const string cpuInfo = "/proc/cpuinfo";
        return !File.Exists(cpuInfo) || File.ReadLines(cpuInfo).Any(line => line.StartsWith("flags", StringComparison.Ordinal)
            && line.Split(' ').Contains("avx512_vnni", StringComparer.Ordinal));
    }

    [Fact]
    public void Distilling_the_int8_copy_towards_the_float_model_lowers_the_loss_and_raises_its_psnr()
    {
        using var data = new TinyDataSet(images: 4, size: 48);
        random.manual_seed(3);
        using (var start = new SrvggCompact(features: 8, convolutions: 2, scale: 2))
        {
            File.WriteAllBytes(Path.Combine(data.Root, "start.onnx"), start.ToOnnx("start"));
        }
        var calibrationFolder = Path.Combine(data.Root, "calibration");
        Directory.CreateDirectory(calibrationFolder);
        for (var i = 0; i < 2; i++)
        {
            TinyDataSet.Pattern(32, (ulong)(40 + i)).Save(Path.Combine(calibrationFolder, $"tile-{i}.png"));
        }
        var recipe = TinyDataSet.Recipe("distil", steps: 40) with
        {
            Architecture = new ArchitectureRecipe { Type = ArchitectureKind.SrvggCompact, Scale = 2, Features = 8, Convolutions = 2 },
            InitFrom = "start.onnx",
            Optimizer = new OptimizerRecipe { LearningRate = 2e-3, WarmupSteps = 2 },
            // Ranges clipped hard at the start (5 % of each tile's extremes) leave the int8 copy far from the float model, so tuning has something to win.
            Quantization = new QuantizationRecipe { WeightBits = 7, Percentile = 0.95, MeasureEvery = 10, Calibration = "calibration" },
        };
        var trainer = new QuantizationAwareTrainer(recipe, data.Options() with { RepositoryRoot = data.Root }, TextWriter.Null);
        var result = trainer.Run();

        var first = result.History.Take(8).Average(h => h.Loss);
        var last = result.History.TakeLast(8).Average(h => h.Loss);
        Assert.True(last < first * 0.8, $"the distillation loss went from {first:E3} to {last:E3}; expected a fall of at least 20%.");
        var (before, after) = (trainer.CalibrationPsnr[0].Psnr, trainer.CalibrationPsnr[^1].Psnr);
        Assert.True(after > before + 1, $"simulated int8 vs float32 went from {before:F2} to {after:F2} dB; expected a gain of more than 1 dB.");
        Assert.True(File.Exists(result.ModelPath));
    }

    [Fact]
    public void A_run_that_starts_from_the_equalized_model_exports_other_weights_with_the_same_function()
    {
        using var data = new TinyDataSet(images: 2, size: 48);
        random.manual_seed(5);
        byte[] original;
        using (var start = new SrvggCompact(features: 8, convolutions: 3, scale: 2))
        {
            original = start.ToOnnx("start");
        }
        File.WriteAllBytes(Path.Combine(data.Root, "start.onnx"), original);
        var calibrationFolder = Path.Combine(data.Root, "calibration");
        Directory.CreateDirectory(calibrationFolder);
        TinyDataSet.Pattern(40, 61).Save(Path.Combine(calibrationFolder, "tile.png"));
        var recipe = TinyDataSet.Recipe("equalized", steps: 10) with
        {
            Architecture = new ArchitectureRecipe { Type = ArchitectureKind.SrvggCompact, Scale = 2, Features = 8, Convolutions = 3 },
            InitFrom = "start.onnx",
            Quantization = new QuantizationRecipe { WeightBits = 8, Equalize = Equalization.Activations, Calibration = "calibration" },
        };

        // Stopped before the first step: what it exports is the model it starts from.
        var trainer = new QuantizationAwareTrainer(recipe, data.Options(stopAt: 0) with { RepositoryRoot = data.Root }, TextWriter.Null);
        var exported = File.ReadAllBytes(Path.Combine(trainer.Run().RunFolder, "equalized.onnx"));

        using var before = new OnnxUpscaler(original);
        using var after = new OnnxUpscaler(exported);
        var image = TinyDataSet.Pattern(40, 62);
        var expected = before.Upscale(image).Planes;
        var actual = after.Upscale(image).Planes;
        var largest = expected.Zip(actual, (a, b) => Math.Abs(a - b)).Max();
        Assert.True(largest < 1e-4, $"the equalized start differs from the float model by up to {largest}");
        // The weights themselves moved: equalization rescaled channels rather than leaving the model as it was.
        var weightChange = WeightsOf(original).Zip(WeightsOf(exported), (a, b) => Math.Abs(a - b)).Max();
        Assert.True(weightChange > 1e-2, $"the largest weight change is {weightChange}; equalization did nothing");
    }

    private static float[] WeightsOf(byte[] onnx)
    {
        using var network = new SrvggCompact(features: 8, convolutions: 3, scale: 2);
        network.LoadOnnx(onnx, "weights");
        return [.. network.parameters().SelectMany(p => p.data<float>().ToArray())];
    }

    private static double Psnr(float[] expected, float[] actual)
    {
        Assert.Equal(expected.Length, actual.Length);
        var mse = expected.Zip(actual, (a, b) => (double)(a - b) * (a - b)).Average();
        return mse == 0 ? 100 : 10 * Math.Log10(1 / mse);
    }
}
