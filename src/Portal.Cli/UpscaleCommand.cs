using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using Microsoft.Extensions.Logging;
using Portal.Engine;
using Portal.Engine.Imaging;
using Portal.Engine.Inference;
using Portal.Models;

namespace Portal.Cli;

/// <summary>The <c>upscale</c> command: one file through the engine, with a progress bar.</summary>
internal static class UpscaleCommand
{
    public static Command Create()
    {
        var input = new Argument<string>("input") { Description = "The image to upscale (JPEG, PNG, WebP, TIFF, GIF or AVIF)." };
        var output = new Argument<string>("output") { Description = "Where to write the result." };
        var model = new Option<string?>("--model") { Description = "Run this model id (see 'models list'); overrides --content and --quality." };
        var content = new Option<string>("--content") { Description = "photo, art, or text (text and screenshots).", DefaultValueFactory = _ => "photo" };
        content.AcceptOnlyFromAmong("photo", "art", "text");
        var quality = new Option<string>("--quality") { Description = "fast, balanced, ultra, or detail (GAN style: sharper, can alter faces).", DefaultValueFactory = _ => "balanced" };
        quality.AcceptOnlyFromAmong("fast", "balanced", "ultra", "detail");
        var inputCondition = new Option<string>("--input")
        {
            Description = "The input's condition: auto (detect JPEG compression and noise, default), clean, or degraded (compressed or noisy: runs the real-world model where the lineup places one).",
            DefaultValueFactory = _ => "auto",
        };
        inputCondition.AcceptOnlyFromAmong("auto", "clean", "degraded");
        var faces = new Option<string>("--faces")
        {
            Description = "protect (default): with a GAN style on a photo, redraw faces with the faithful model of the same scale and blend them in; off: keep the GAN's faces.",
            DefaultValueFactory = _ => "protect",
        };
        faces.AcceptOnlyFromAmong("protect", "off");
        var scale = new Option<int>("--scale") { Description = "2, 3, 4 or 8.", DefaultValueFactory = _ => 4 };
        scale.AcceptOnlyFromAmong("2", "3", "4", "8");
        var format = new Option<string?>("--format") { Description = "png, jpeg, webp, or same (as the input). Default: from the output file's extension, else same." };
        format.AcceptOnlyFromAmong("png", "jpeg", "jpg", "webp", "same");
        var outputQuality = new Option<int?>("--output-quality") { Description = "JPEG/WebP quality 1-100 (default 92)." };
        var tile = new Option<int?>("--tile") { Description = "Input tile side in pixels (default: 192 on the CPU, 512 on a GPU)." };
        var overlap = new Option<int?>("--overlap") { Description = "Context pixels around each tile (default: the model's measured overlap)." };
        var strip = new Option<bool>("--strip-metadata") { Description = "Drop the ICC profile, EXIF, XMP and IPTC." };
        var cpu = new Option<bool>("--cpu") { Description = "Do not try the GPU." };
        var threads = new Option<int>("--threads") { Description = "CPU threads for ONNX Runtime (default: one per core)." };
        var precision = PrecisionOption();
        var maxMegapixels = new Option<double?>("--max-megapixels") { Description = "Refuse inputs larger than this (default 40)." };
        var modelsDir = new Option<string?>("--models-dir") { Description = "The models folder holding manifest.json (default: models/ of the repository around the current folder)." };
        var cacheDir = new Option<string?>("--cache-dir") { Description = "Where models that are not committed are fetched and converted (default: .cache/ of the repository)." };

        var command = new Command("upscale", "Upscale one image file.")
        {
            Arguments = { input, output },
            Options = { model, content, quality, inputCondition, faces, scale, format, outputQuality, tile, overlap, strip, cpu, threads, precision, maxMegapixels, modelsDir, cacheDir },
        };

        command.SetAction(async (parseResult, cancellationToken) =>
        {
            var store = ModelStore.ForRepository(Directory.GetCurrentDirectory());
            var limits = parseResult.GetValue(maxMegapixels) is { } mp ? new ImageLimits { MaxMegapixels = mp } : ImageLimits.Default;
            var options = new EngineOptions
            {
                ModelsDirectory = Path.GetFullPath(parseResult.GetValue(modelsDir) ?? store.ModelsDirectory),
                ModelCacheDirectory = Path.GetFullPath(parseResult.GetValue(cacheDir) ?? Environment.GetEnvironmentVariable("PORTAL_MODEL_CACHE") ?? store.CacheDirectory),
                UseGpu = !parseResult.GetValue(cpu),
                CpuThreads = parseResult.GetValue(threads),
                CpuPrecision = ParsePrecision(parseResult.GetValue(precision)),
                Limits = limits,
            };
            var request = new UpscaleRequest
            {
                ModelId = parseResult.GetValue(model),
                Content = ParseContent(parseResult.GetValue(content)!),
                Quality = ParseQuality(parseResult.GetValue(quality)!),
                Condition = ParseCondition(parseResult.GetValue(inputCondition)),
                Faces = parseResult.GetValue(faces) == "off" ? FaceProtection.Off : FaceProtection.Protect,
                Scale = parseResult.GetValue(scale),
                Format = ParseFormat(parseResult.GetValue(format) ?? FromExtension(parseResult.GetValue(output)!)),
                OutputQuality = parseResult.GetValue(outputQuality),
                StripMetadata = parseResult.GetValue(strip),
                TileSize = parseResult.GetValue(tile),
                Overlap = parseResult.GetValue(overlap),
            };

            using var upscaler = new ImageUpscaler(options, new StderrLogger<ImageUpscaler>(LogLevel.Warning));
            var inputPath = parseResult.GetValue(input)!;
            var outputPath = parseResult.GetValue(output)!;
            try
            {
                var plan = upscaler.Plan(inputPath, request);
                var (w, h) = plan.Header.DisplaySize;
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{Path.GetFileName(inputPath)}: {plan.Header.Format} {w} x {h} -> {plan.OutputWidth} x {plan.OutputHeight} {plan.Format}"));
                if (request.ModelId is null)
                {
                    Console.WriteLine(plan.DescribeCondition());
                }

                Console.WriteLine(plan.Describe());
                var bar = new ProgressBar();
                var result = await upscaler.UpscaleAsync(inputPath, outputPath, request, bar, cancellationToken);
                bar.Finish();
                if (result.Faces is { } faceReport)
                {
                    Console.WriteLine(faceReport.Describe());
                }

                Console.WriteLine(string.Create(
                    CultureInfo.InvariantCulture,
                    $"Wrote {outputPath}: {result.Width} x {result.Height} {result.Format} in {result.Elapsed.TotalSeconds:0.0} s ({result.Tiles} tiles of {result.TileSize} px, overlap {result.Overlap}, {result.Device} {result.Precision.ToString().ToLowerInvariant()})."));
                return 0;
            }
            catch (UpscaleException e)
            {
                Console.Error.WriteLine();
                Console.Error.WriteLine(e.Message);
                return 1;
            }
            catch (OperationCanceledException)
            {
                Console.Error.WriteLine();
                Console.Error.WriteLine("Cancelled; nothing was written.");
                return 130;
            }
        });
        return command;
    }

    /// <summary>The --precision option the upscale and bench commands share.</summary>
    internal static Option<string> PrecisionOption()
    {
        var option = new Option<string>("--precision")
        {
            Description = "CPU only: int8 (the model's calibrated int8 variant when it has one, default) or float32.",
            DefaultValueFactory = _ => "int8",
        };
        option.AcceptOnlyFromAmong("int8", "float32");
        return option;
    }

    internal static ModelPrecision ParsePrecision(string? value) => value == "float32" ? ModelPrecision.Float32 : ModelPrecision.Int8;

    internal static ContentType ParseContent(string value) => value switch
    {
        "art" => ContentType.Art,
        "text" => ContentType.Text,
        _ => ContentType.Photo,
    };

    internal static QualityLevel ParseQuality(string value) => value switch
    {
        "fast" => QualityLevel.Fast,
        "ultra" => QualityLevel.Ultra,
        "detail" => QualityLevel.Detail,
        _ => QualityLevel.Balanced,
    };

    /// <summary>Null for auto: the engine detects the condition from the file.</summary>
    internal static InputCondition? ParseCondition(string? value) => value switch
    {
        "clean" => InputCondition.Clean,
        "degraded" => InputCondition.Degraded,
        _ => null,
    };

    private static string FromExtension(string path) => Path.GetExtension(path).ToLowerInvariant() switch
    {
        ".png" => "png",
        ".jpg" or ".jpeg" => "jpeg",
        ".webp" => "webp",
        _ => "same",
    };

    internal static OutputFormat ParseFormat(string value) => value switch
    {
        "png" => OutputFormat.Png,
        "jpeg" or "jpg" => OutputFormat.Jpeg,
        "webp" => OutputFormat.WebP,
        _ => OutputFormat.SameAsInput,
    };

    /// <summary>A one-line bar on stderr: tiles done, percent, elapsed and estimated time left.</summary>
    private sealed class ProgressBar : IProgress<UpscaleProgress>
    {
        private const int Width = 30;
        private readonly Stopwatch clock = Stopwatch.StartNew();
        private readonly Lock gate = new();
        private UpscaleStage stage;

        public void Report(UpscaleProgress value)
        {
            lock (gate)
            {
                stage = value.Stage;
                var filled = (int)Math.Round(value.Fraction * Width);
                var elapsed = clock.Elapsed.TotalSeconds;
                var eta = value.TilesDone > 0 && value.TilesDone < value.TilesTotal
                    ? string.Create(CultureInfo.InvariantCulture, $", about {elapsed / value.TilesDone * (value.TilesTotal - value.TilesDone):0} s left")
                    : string.Empty;
                var label = value.Stage switch
                {
                    UpscaleStage.Reading => "reading",
                    UpscaleStage.LoadingModel => "loading model",
                    UpscaleStage.Upscaling => string.Create(CultureInfo.InvariantCulture, $"{value.TilesDone}/{value.TilesTotal} tiles"),
                    UpscaleStage.Writing => "writing",
                    _ => "done",
                };
                Console.Error.Write(string.Create(
                    CultureInfo.InvariantCulture,
                    $"\r[{new string('#', filled)}{new string('.', Width - filled)}] {value.Fraction,4:P0} {label}, {elapsed:0.0} s{eta}   "));
            }
        }

        public void Finish()
        {
            lock (gate)
            {
                if (stage != UpscaleStage.Reading)
                {
                    Console.Error.WriteLine();
                }
            }
        }
    }

    /// <summary>Engine log lines on stderr, so they never mix with the results on stdout.</summary>
    internal sealed class StderrLogger<T>(LogLevel minimum) : ILogger<T>
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => logLevel >= minimum;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            ArgumentNullException.ThrowIfNull(formatter);
            if (IsEnabled(logLevel))
            {
                Console.Error.WriteLine();
                Console.Error.WriteLine($"{logLevel}: {formatter(state, exception)}");
            }
        }
    }
}
