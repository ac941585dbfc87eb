using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using System.Runtime.InteropServices;
using System.Text;
using Microsoft.Extensions.Logging;
using NetVips;
using Portal.Engine;
using Portal.Engine.Inference;
using Portal.Engine.Tiling;
using Portal.Models;

namespace Portal.Cli;

/// <summary>
/// The <c>bench</c> command: per model, end-to-end output megapixels per second, achieved GFLOP/s
/// (manifest FLOPs per input pixel x pixels the network actually ran, overlap included, over the
/// time spent inside ONNX Runtime), peak memory, and time relative to a plain bicubic resize.
/// </summary>
internal static class BenchCommand
{
    private static readonly CultureInfo Inv = CultureInfo.InvariantCulture;

    public static Command Create()
    {
        var ids = new Option<string[]>("--model") { Description = "Models to measure (repeatable; default: every installed model)." };
        var size = new Option<int>("--size") { Description = "Side of the square test input in pixels.", DefaultValueFactory = _ => 256 };
        var tile = new Option<int?>("--tile") { Description = "Input tile side (default: the engine's CPU/GPU default)." };
        var threads = new Option<int>("--threads") { Description = "CPU threads for ONNX Runtime (default: one per core)." };
        var cpu = new Option<bool>("--cpu") { Description = "Do not try the GPU." };
        var precision = UpscaleCommand.PrecisionOption();
        var write = new Option<string?>("--write") { Description = "Append the results as a section of this Markdown file (e.g. docs/BENCHMARKS.md)." };
        var overlaps = new Option<bool>("--overlaps") { Description = "Instead of speed, measure tiled-vs-untiled PSNR by overlap for each model." };
        var standIn = new Option<bool>("--stand-in") { Description = "Replace each network by nearest-neighbour upsampling of its scale: measures tiling, the intermediate file and the final encode of large outputs (peak memory, time, sizes)." };
        var input = new Option<string?>("--input") { Description = "Use this image instead of a synthetic one (cropped to --size)." };
        var modelsDir = new Option<string?>("--models-dir") { Description = "The models folder holding manifest.json." };
        var cacheDir = new Option<string?>("--cache-dir") { Description = "Where models that are not committed are fetched and converted." };

        var command = new Command("bench", "Measure throughput of every installed model.")
        {
            Options = { ids, size, tile, threads, cpu, precision, write, overlaps, standIn, input, modelsDir, cacheDir },
        };
        command.SetAction(async (parseResult, cancellationToken) =>
        {
            var store = ModelStore.ForRepository(Directory.GetCurrentDirectory());
            var options = new EngineOptions
            {
                ModelsDirectory = Path.GetFullPath(parseResult.GetValue(modelsDir) ?? store.ModelsDirectory),
                ModelCacheDirectory = Path.GetFullPath(parseResult.GetValue(cacheDir) ?? Environment.GetEnvironmentVariable("PORTAL_MODEL_CACHE") ?? store.CacheDirectory),
                UseGpu = !parseResult.GetValue(cpu),
                CpuThreads = parseResult.GetValue(threads),
                CpuPrecision = UpscaleCommand.ParsePrecision(parseResult.GetValue(precision)),
                Limits = new Portal.Engine.Imaging.ImageLimits { MaxMegapixels = 400, MaxBytes = 2L << 30, MaxOutputMegapixels = 20_000 },
            };
            using var upscaler = new ImageUpscaler(options, new UpscaleCommand.StderrLogger<ImageUpscaler>(LogLevel.Warning));
            var wanted = parseResult.GetValue(ids) ?? [];
            var models = upscaler.Manifest.Models
                .Where(m => wanted.Length == 0 ? upscaler.IsInstalled(m) : wanted.Contains(m.Id))
                .ToList();
            if (models.Count == 0)
            {
                Console.Error.WriteLine("No installed model matches.");
                return 2;
            }

            var work = Path.Combine(Path.GetTempPath(), "portal-bench-" + Guid.NewGuid().ToString("N"));
            Directory.CreateDirectory(work);
            try
            {
                var side = parseResult.GetValue(size);
                var inputPath = Path.Combine(work, "input.png");
                MakeInput(parseResult.GetValue(input), side, inputPath);
                if (parseResult.GetValue(overlaps))
                {
                    return MeasureOverlaps(upscaler, models, inputPath);
                }

                if (parseResult.GetValue(standIn))
                {
                    return MeasureLargeOutput(upscaler, models, inputPath, work, parseResult.GetValue(tile), cancellationToken);
                }

                var rows = new List<string>();
                foreach (var model in models)
                {
                    cancellationToken.ThrowIfCancellationRequested();
                    await upscaler.EnsureInstalledAsync(model, cancellationToken);

                    // A fresh engine per model, so one model's sessions and arena do not count towards the next one's peak.
                    using var fresh = new ImageUpscaler(options, new UpscaleCommand.StderrLogger<ImageUpscaler>(LogLevel.Warning));
                    GC.Collect();
                    var row = Measure(fresh, model, inputPath, work, parseResult.GetValue(tile), cancellationToken);
                    Console.WriteLine(row.Text);
                    rows.Add(row.Markdown);
                }

                if (parseResult.GetValue(write) is { } markdown)
                {
                    AppendReport(markdown, rows, side, string.Join(' ', parseResult.Tokens.Select(t => t.Value).SkipWhile(t => t == "bench")));
                    Console.WriteLine($"Appended to {markdown}.");
                }

                return 0;
            }
            finally
            {
                Directory.Delete(work, recursive: true);
            }
        });
        return command;
    }

    private static (string Text, string Markdown) Measure(ImageUpscaler upscaler, ModelEntry entry, string inputPath, string work, int? tile, CancellationToken cancellationToken)
    {
        PeakMemory.Reset();
        var onnx = upscaler.LoadModel(entry);
        var request = new UpscaleRequest { ModelId = entry.Id, Scale = entry.Scale, TileSize = tile, Format = Portal.Engine.Imaging.OutputFormat.Png };
        var plan = upscaler.Plan(inputPath, request);
        var tileSize = upscaler.TileSizeFor(onnx.Device, tile, onnx.Precision, ModelOverlaps.For(entry, onnx.Precision));
        var tiles = TilePlanner.Plan(plan.Header.Width, plan.Header.Height, tileSize, ModelOverlaps.For(entry, onnx.Precision), upscaler.FirstTileSplitFor(onnx.Device));
        onnx.WarmUp(Math.Max(tiles.WindowWidth, TiledRunner.MinWindowSide), Math.Max(tiles.WindowHeight, TiledRunner.MinWindowSide));

        var timed = new TimedModel(onnx);
        var output = Path.Combine(work, entry.Id + ".png");
        var started = Stopwatch.GetTimestamp();
        upscaler.Run(plan, timed, onnx.Device, inputPath, output, request, null, cancellationToken);
        var seconds = Stopwatch.GetElapsedTime(started).TotalSeconds;
        var peakMb = PeakMemory.ReadMegabytes();

        var bicubic = TimeBicubic(inputPath, Path.Combine(work, "bicubic.png"), entry.Scale);
        var outMp = (double)plan.OutputWidth * plan.OutputHeight / 1e6;
        var gflops = entry.FlopsPerInputPixel * (double)timed.Pixels / timed.Seconds / 1e9;
        var effective = entry.FlopsPerInputPixel * (double)plan.Header.Pixels / seconds / 1e9;
        var perCpuSecond = entry.FlopsPerInputPixel * (double)timed.Pixels / timed.CpuSeconds / 1e9;
        var text = string.Create(Inv,
            $"{entry.Id,-30} {outMp / seconds,7:0.000} MP/s  {gflops,6:0.0} GFLOP/s in ORT ({perCpuSecond:0.0} per CPU-second)  {effective,6:0.0} GFLOP/s end-to-end  peak {peakMb,6:0} MB  {seconds / bicubic,7:0.0}x bicubic  ({seconds:0.00} s, {tiles.Count} tiles of {tileSize}+2x{tiles.Overlap}, {onnx.Device} {onnx.Precision.ToString().ToLowerInvariant()})");
        var md = string.Create(Inv,
            $"| {entry.Id} | {entry.QualityLevel?.ToString() ?? "-"} | {entry.FlopsPerInputPixel / 1e6:0.00} | {outMp / seconds:0.000} | {gflops:0.0} | {effective:0.0} | {peakMb:0} | {seconds / bicubic:0.0}x | {tileSize} + 2x{tiles.Overlap} | {onnx.Device} {onnx.Precision.ToString().ToLowerInvariant()} |");
        return (text, md);
    }

    private static int MeasureOverlaps(ImageUpscaler upscaler, List<ModelEntry> models, string inputPath)
    {
        using var source = Portal.Engine.Imaging.ImageDecoder.Decode(inputPath, Portal.Engine.Imaging.ImageInspector.ReadHeader(inputPath), CancellationToken.None);
        foreach (var entry in models)
        {
            var model = upscaler.LoadModel(entry);
            var untiled = RunToBytes(source, model, Math.Max(source.Width, source.Height), 0);
            var line = new StringBuilder(string.Create(Inv, $"{entry.Id,-30} {model.Precision.ToString().ToLowerInvariant(),-7} chosen {ModelOverlaps.For(entry, model.Precision),2}:"));
            foreach (var overlap in new[] { 0, 2, 4, 6, 8, 12, 16, 24, 32, 48, 64 })
            {
                if (40 + (2 * overlap) >= Math.Min(source.Width, source.Height))
                {
                    break; // the window would cover the whole image: no seam left to measure
                }

                var psnr = Psnr(untiled, RunToBytes(source, model, 40, overlap));
                line.Append(string.Create(Inv, $"  {overlap}: {psnr:0.0}"));
                if (psnr > 65)
                {
                    break;
                }
            }

            Console.WriteLine(line.Append(" dB"));
        }

        return 0;
    }

    /// <summary>
    /// The engine's own path for a large output with a stand-in network, so the numbers are those of the tiling,
    /// the intermediate file and libvips' encode alone (the network's share does not depend on the output size).
    /// </summary>
    private static int MeasureLargeOutput(ImageUpscaler upscaler, List<ModelEntry> models, string inputPath, string work, int? tile, CancellationToken cancellationToken)
    {
        foreach (var entry in models)
        {
            var request = new UpscaleRequest { ModelId = entry.Id, Scale = entry.Scale, TileSize = tile, Format = Portal.Engine.Imaging.OutputFormat.Png };
            var plan = upscaler.Plan(inputPath, request);
            var output = Path.Combine(work, entry.Id + "-stand-in.png");
            var phases = new PhaseTimer(work);
            GC.Collect();
            PeakMemory.Reset();
            upscaler.Run(plan, new NearestModel(entry.Scale), ExecutionDevice.Cpu, inputPath, output, request, phases, cancellationToken);
            var seconds = Stopwatch.GetElapsedTime(phases.Started).TotalSeconds;
            var peakMb = PeakMemory.ReadMegabytes();
            string sha256;
            using (var file = File.OpenRead(output))
            {
                sha256 = Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(file));
            }

            Console.WriteLine(string.Create(Inv,
                $"{entry.Id} stand-in: {plan.OutputWidth} x {plan.OutputHeight} PNG, peak {peakMb:0} MB, {seconds:0.0} s ({phases.TilesSeconds:0.0} s tiles and intermediate, {seconds - phases.TilesSeconds:0.0} s encode), intermediate {phases.IntermediateBytes / 1e6:0} MB, output {new FileInfo(output).Length / 1e6:0.0} MB, sha256 {sha256}"));
        }

        return 0;
    }

    internal static byte[] RunToBytes(Portal.Engine.Imaging.SourceImage source, ITileModel model, int tile, int overlap)
    {
        using var stream = new MemoryStream();
        TiledRunner.Run(source, model, TilePlanner.Plan(source.Width, source.Height, tile, overlap), stream, null, CancellationToken.None);
        return stream.ToArray();
    }

    internal static double Psnr(byte[] a, byte[] b)
    {
        double sum = 0;
        for (var i = 0; i < a.Length; i++)
        {
            var d = a[i] - b[i];
            sum += d * d;
        }

        return sum == 0 ? double.PositiveInfinity : 10 * Math.Log10(255.0 * 255.0 / (sum / a.Length));
    }

    /// <summary>A real photo cropped to size, or band-limited noise (detail everywhere, like a photo's texture).</summary>
    private static void MakeInput(string? photo, int side, string path)
    {
        if (photo is not null)
        {
            using var image = Image.NewFromFile(photo);
            using var scaled = image.Width < side || image.Height < side ? image.Resize((double)side / Math.Min(image.Width, image.Height)) : image.Copy();
            using var crop = scaled.Crop(0, 0, side, side);
            using var rgb = crop.Bands > 3 ? crop.ExtractBand(0, 3) : crop.Copy();
            rgb.Pngsave(path);
            return;
        }

        using var noise = Image.Gaussnoise(side, side, sigma: 60, mean: 128);
        using var bands = noise.Bandjoin(noise.Rot90(), noise.FlipHor());
        using var blurred = bands.Gaussblur(1.2);
        using var bytes = blurred.Cast(Enums.BandFormat.Uchar);
        using var srgb = bytes.Copy(interpretation: Enums.Interpretation.Srgb);
        srgb.Pngsave(path);
    }

    private static double TimeBicubic(string input, string output, int scale)
    {
        var best = double.MaxValue;
        for (var i = 0; i < 3; i++)
        {
            var started = Stopwatch.GetTimestamp();
            using (var image = Image.NewFromFile(input, access: Enums.Access.Sequential))
            using (var resized = image.Resize(scale, kernel: Enums.Kernel.Cubic))
            {
                resized.Pngsave(output, compression: 6);
            }

            best = Math.Min(best, Stopwatch.GetElapsedTime(started).TotalSeconds);
        }

        return best;
    }

    private static void AppendReport(string path, List<string> rows, int side, string arguments)
    {
        var sb = new StringBuilder();
        sb.AppendLine(string.Create(Inv, $"## Run of {DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC"));
        sb.AppendLine();
        sb.AppendLine($"Machine: {Machine()}");
        sb.AppendLine();
        sb.AppendLine(string.Create(Inv, $"Input: {side} x {side} PNG. Reproduce: `dotnet run --project src/Portal.Cli -c Release -- bench {arguments}`"));
        sb.AppendLine();
        sb.AppendLine("| model | level | MFLOP/input px | output MP/s | GFLOP/s in ORT | GFLOP/s end-to-end | peak MB | time vs bicubic | tile | device |");
        sb.AppendLine("|---|---|---|---|---|---|---|---|---|---|");
        foreach (var row in rows)
        {
            sb.AppendLine(row);
        }

        sb.AppendLine();
        File.AppendAllText(path, sb.ToString());
    }

    internal static string Machine()
    {
        var cpu = File.Exists("/proc/cpuinfo")
            ? File.ReadLines("/proc/cpuinfo").FirstOrDefault(l => l.StartsWith("model name", StringComparison.Ordinal))?.Split(':', 2)[1].Trim() ?? "unknown CPU"
            : "unknown CPU";
        var flags = File.Exists("/proc/cpuinfo")
            ? File.ReadLines("/proc/cpuinfo").FirstOrDefault(l => l.StartsWith("flags", StringComparison.Ordinal)) ?? string.Empty
            : string.Empty;
        var simd = string.Join('/', new[] { "avx2", "fma", "avx512f", "avx512_vnni", "avx_vnni" }.Where(f => flags.Contains(" " + f, StringComparison.Ordinal)));
        var memory = GC.GetGCMemoryInfo().TotalAvailableMemoryBytes / (1024.0 * 1024 * 1024);
        return string.Create(Inv,
            $"{cpu}, {Environment.ProcessorCount} logical cores ({simd}), {memory:0} GiB, {RuntimeInformation.OSDescription}, .NET {Environment.Version}, ONNX Runtime {Microsoft.ML.OnnxRuntime.OrtEnv.Instance().GetVersionString()}, libvips {NetVips.NetVips.Version(0)}.{NetVips.NetVips.Version(1)}.{NetVips.NetVips.Version(2)}");
    }

    /// <summary>Nearest-neighbour upsampling in the network's place: next to no work, the same output size.</summary>
    private sealed class NearestModel(int scale) : ITileModel
    {
        public int Scale => scale;

        public void Run(ReadOnlyMemory<float> input, int width, int height, Memory<float> output, CancellationToken cancellationToken)
        {
            var source = input.Span;
            var target = output.Span;
            var outWidth = width * scale;
            var outPlane = outWidth * height * scale;
            for (var c = 0; c < 3; c++)
            {
                for (var y = 0; y < height * scale; y++)
                {
                    var row = source.Slice((c * height * width) + (y / scale * width), width);
                    var outRow = target.Slice((c * outPlane) + (y * outWidth), outWidth);
                    for (var x = 0; x < outWidth; x++)
                    {
                        outRow[x] = row[x / scale];
                    }
                }
            }
        }
    }

    /// <summary>Notes when the tiles are done (the intermediate file is complete then) and how large that file is.</summary>
    private sealed class PhaseTimer(string scratchDirectory) : IProgress<UpscaleProgress>
    {
        public long Started { get; } = Stopwatch.GetTimestamp();

        public double TilesSeconds { get; private set; }

        public long IntermediateBytes { get; private set; }

        public void Report(UpscaleProgress value)
        {
            if (value.Stage == UpscaleStage.Writing && TilesSeconds == 0)
            {
                TilesSeconds = Stopwatch.GetElapsedTime(Started).TotalSeconds;
                IntermediateBytes = Directory.GetFiles(scratchDirectory, "*", SearchOption.AllDirectories).Where(f => f.Contains(".intermediate", StringComparison.Ordinal)).Sum(f => new FileInfo(f).Length);
            }
        }
    }

    /// <summary>Counts the time spent inside the network and the pixels it ran on.</summary>
    private sealed class TimedModel(ITileModel inner) : ITileModel
    {
        public int Scale => inner.Scale;

        public ModelPrecision Precision => inner.Precision;

        public double Seconds { get; private set; }

        /// <summary>Process CPU time spent during the runs: with other load on the machine, GFLOP per CPU-second stays comparable.</summary>
        public double CpuSeconds { get; private set; }

        public long Pixels { get; private set; }

        public void Run(ReadOnlyMemory<float> input, int width, int height, Memory<float> output, CancellationToken cancellationToken)
        {
            var started = Stopwatch.GetTimestamp();
            var cpuStarted = Process.GetCurrentProcess().TotalProcessorTime;
            inner.Run(input, width, height, output, cancellationToken);
            Seconds += Stopwatch.GetElapsedTime(started).TotalSeconds;
            CpuSeconds += (Process.GetCurrentProcess().TotalProcessorTime - cpuStarted).TotalSeconds;
            Pixels += (long)width * height;
        }
    }

    /// <summary>Peak resident memory of this process (Linux VmHWM), resettable between measurements.</summary>
    internal static class PeakMemory
    {
        public static void Reset()
        {
            try
            {
                // "5" resets the peak RSS counter (Linux 4.0+).
                File.WriteAllText("/proc/self/clear_refs", "5");
            }
            catch (IOException)
            {
            }
            catch (UnauthorizedAccessException)
            {
            }
        }

        public static double ReadMegabytes()
        {
            var line = File.Exists("/proc/self/status")
                ? File.ReadLines("/proc/self/status").FirstOrDefault(l => l.StartsWith("VmHWM:", StringComparison.Ordinal))
                : null;
            return line is null ? double.NaN : double.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], Inv) / 1024.0;
        }
    }
}
