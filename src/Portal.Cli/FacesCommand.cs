using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using NetVips;
using Portal.Engine;
using Portal.Engine.Faces;
using Portal.Engine.Imaging;
using Portal.Engine.Tiling;
using Portal.Models;
using Portal.Models.Evaluation;
using Portal.Models.Evaluation.Metrics;
using Portal.Models.Lineup;

namespace Portal.Cli;

/// <summary>
/// <c>models faces</c>: measures "Protect faces" through the engine itself. <c>compare</c> runs the
/// faithful model, the GAN model and the GAN model with faces protected on portraits (clean and
/// real-world degraded inputs) and prints identity drift and naturalness outside the faces;
/// <c>time</c> prints what face detection costs against a CPU job of the same size.
/// </summary>
internal static class FacesCommand
{
    private const int Scale = 4;
    private static readonly CultureInfo Inv = CultureInfo.InvariantCulture;

    public static Command Create()
    {
        var command = new Command("faces", "Measure \"Protect faces\": identity drift and naturalness, and the cost of finding faces.");
        command.Subcommands.Add(CreateCompare());
        command.Subcommands.Add(CreateTime());
        return command;
    }

    private static Command CreateCompare()
    {
        var images = new Option<string[]>("--image") { Description = "Portraits to measure (repeatable; default: the evaluation set's portraits)." };
        var models = new Option<string[]>("--model") { Description = "GAN models (repeatable; default: esrgan-legacy-gans-x4, the Detail style)." };
        var tracks = new Option<string[]>("--track") { Description = "clean, light, medium or heavy (repeatable; default: clean and medium, medium being JPEG q60 with noise)." };
        var pictures = new Option<string?>("--pictures") { Description = "Write a face crop strip per portrait and track into this folder (original | faithful | GAN | GAN, faces protected)." };
        var machine = new Option<string?>("--machine") { Description = "Describe the machine in the printed header." };
        var command = new Command("compare", "Identity drift of faithful, GAN and GAN with faces protected, and naturalness (BRISQUE, NIQE) outside the faces, on portraits.")
        {
            Options = { images, models, tracks, pictures, machine },
        };
        command.SetAction(async (parseResult, cancellationToken) =>
        {
            var store = ModelsCommand.OpenStore(parseResult);
            var photos = Path.Combine(store.ModelsDirectory, "evaluation", "photos");
            var paths = parseResult.GetValue(images) is { Length: > 0 } given ? given : ["astronaut.png", "portrait-uniform.png", "cameraman.png"];
            var ganIds = parseResult.GetValue(models) is { Length: > 0 } ids ? ids : ["esrgan-legacy-gans-x4"];
            var trackList = (parseResult.GetValue(tracks) is { Length: > 0 } t ? t : ["clean", "medium"])
                .Select(name => Enum.Parse<EvaluationTrack>(name, ignoreCase: true)).ToList();
            var pictureFolder = parseResult.GetValue(pictures);
            var scratch = Directory.CreateTempSubdirectory("faces-compare-").FullName;
            try
            {
                using var upscaler = new ImageUpscaler(new EngineOptions { ModelsDirectory = store.ModelsDirectory, ModelCacheDirectory = store.CacheDirectory, UseGpu = false });
                using var drift = new FaceIdentityDrift(store.ModelsDirectory);
                using var brisque = new Brisque();
                var niqe = new Niqe(NiqeModel.Load(Path.Combine(store.ModelsDirectory, "evaluation", "niqe-model.json")));
                var arguments = string.Join(' ', Environment.GetCommandLineArgs().Skip(1));
                Console.WriteLine($"Command: `portal {arguments}`  ");
                Console.WriteLine($"Machine: {parseResult.GetValue(machine) ?? $"{Environment.ProcessorCount} CPU threads"}; engine on the CPU (default int8 where a model has a variant)");
                Console.WriteLine();
                Console.WriteLine("| portrait | input | method | face drift ↓ | BRISQUE outside faces ↓ | NIQE outside faces ↓ | faces redrawn | s |");
                Console.WriteLine("|---|---|---|---:|---:|---:|---:|---:|");
                var rows = new List<(string Track, string Method, double Drift, double Brisque, double Niqe)>();
                foreach (var gan in ganIds)
                {
                    var faithful = FaceSafeModels.FaithfulFor(gan) ?? throw new ArgumentException($"{gan} is not a GAN-trained photo model with a faithful partner.");
                    foreach (var file in paths)
                    {
                        var path = File.Exists(file) ? file : Path.Combine(photos, file);
                        var name = Path.GetFileName(path);
                        var original = ModelEvaluator.CropToMultiple(RgbImage.Load(path), Scale);
                        foreach (var track in trackList)
                        {
                            var inputPath = Path.Combine(scratch, $"{Path.GetFileNameWithoutExtension(name)}-{track}.png");
                            track.MakeInput(new EvaluationImage(name, original), Scale).Save(inputPath);
                            var runs = new List<(string Method, RgbImage Result, UpscaleResult Run, double Seconds)>();
                            foreach (var (method, request) in new[]
                            {
                                (faithful, new UpscaleRequest { ModelId = faithful, Scale = Scale, Format = OutputFormat.Png }),
                                (gan, new UpscaleRequest { ModelId = gan, Scale = Scale, Format = OutputFormat.Png, Faces = FaceProtection.Off }),
                                ($"{gan}, faces protected", new UpscaleRequest { ModelId = gan, Scale = Scale, Format = OutputFormat.Png, Faces = FaceProtection.Protect }),
                            })
                            {
                                var output = Path.Combine(scratch, $"{runs.Count}.png");
                                var started = Stopwatch.GetTimestamp();
                                var run = await upscaler.UpscaleAsync(inputPath, output, request, null, cancellationToken);
                                runs.Add((method, RgbImage.Load(output), run, Stopwatch.GetElapsedTime(started).TotalSeconds));
                            }

                            // Outside the redrawn regions: the largest strip beside them (the protected run's regions, at output size).
                            var regions = runs[2].Run.Faces?.Regions ?? [];
                            var outside = LargestStripOutside(regions, original.Width, original.Height);
                            foreach (var (method, result, run, seconds) in runs)
                            {
                                var faces = drift.Measure(original, result, cancellationToken);
                                var strip = outside is { } o ? Crop(result, o) : null;
                                var b = strip is null ? double.NaN : brisque.Score(strip);
                                var n = strip is null ? double.NaN : niqe.Score(strip);
                                rows.Add((track.ToString(), method == faithful ? "faithful" : method == gan ? "GAN" : "GAN, faces protected", faces.HasFaces ? faces.Mean : double.NaN, b, n));
                                var redrawn = run.Faces is { Applied: true } report ? report.Faces.ToString(Inv) : "";
                                Console.WriteLine(string.Create(Inv,
                                    $"| {name} | {track.ToString().ToLowerInvariant()} | {method} | {Format(faces.HasFaces ? faces.Mean : double.NaN, "F3")} | {Format(b, "F1")} | {Format(n, "F2")} | {redrawn} | {seconds:F1} |"));
                            }

                            if (pictureFolder is not null && drift.Measure(original, original).Faces is [var first, ..])
                            {
                                Directory.CreateDirectory(pictureFolder);
                                var file2 = Path.Combine(pictureFolder, $"faces-{Path.GetFileNameWithoutExtension(name)}-{track.ToString().ToLowerInvariant()}-{gan}.png");
                                SaveStrip(file2, first.Face.Box.Pad(0.4f), [original, .. runs.Select(r => r.Result)]);
                                Console.Error.WriteLine($"wrote {file2}");
                            }
                        }
                    }
                }

                Console.WriteLine();
                Console.WriteLine("Means over the portraits (face drift over those where a face was found in the original):");
                Console.WriteLine();
                Console.WriteLine("| input | method | face drift ↓ | BRISQUE outside faces ↓ | NIQE outside faces ↓ |");
                Console.WriteLine("|---|---|---:|---:|---:|");
                foreach (var group in rows.GroupBy(r => (r.Track, r.Method)))
                {
                    Console.WriteLine(string.Create(Inv,
                        $"| {group.Key.Track.ToLowerInvariant()} | {group.Key.Method} | {Format(Mean(group.Select(r => r.Drift)), "F3")} | {Format(Mean(group.Select(r => r.Brisque)), "F1")} | {Format(Mean(group.Select(r => r.Niqe)), "F2")} |"));
                }

                return 0;
            }
            catch (Exception error) when (error is UpscaleException or ModelImportException or ArgumentException)
            {
                Console.Error.WriteLine(error.Message);
                return 1;
            }
            finally
            {
                Directory.Delete(scratch, recursive: true);
            }
        });
        return command;
    }

    private static Command CreateTime()
    {
        var image = new Option<string?>("--image") { Description = "The photo (default: the evaluation set's portrait), resized to --megapixels." };
        var megapixels = new Option<double>("--megapixels") { Description = "Image size in megapixels (default 1).", DefaultValueFactory = _ => 1.0 };
        var runs = new Option<int>("--runs") { Description = "Timed detections after one warm-up; the median is printed (default 5).", DefaultValueFactory = _ => 5 };
        var model = new Option<string>("--model") { Description = "The GAN model whose CPU job detection is compared with (default esrgan-legacy-gans-x4).", DefaultValueFactory = _ => "esrgan-legacy-gans-x4" };
        var crop = new Option<int>("--job-crop") { Description = "Side of the square crop the job's network rate is measured on (default 192); the job time is that rate times the image's pixels.", DefaultValueFactory = _ => 192 };
        var command = new Command("time", "CPU cost of finding faces (detector and landmarks) as a share of a CPU job of the same size.")
        {
            Options = { image, megapixels, runs, model, crop },
        };
        command.SetAction(async (parseResult, cancellationToken) =>
        {
            var store = ModelsCommand.OpenStore(parseResult);
            var path = parseResult.GetValue(image) ?? Path.Combine(store.ModelsDirectory, "evaluation", "photos", "astronaut.png");
            var scratch = Directory.CreateTempSubdirectory("faces-time-").FullName;
            try
            {
                using var vips = Image.NewFromFile(path);
                var factor = Math.Sqrt(parseResult.GetValue(megapixels) * 1e6 / (vips.Width * vips.Height));
                using var photo = vips.Resize(factor, kernel: Enums.Kernel.Lanczos3);
                var photoPath = Path.Combine(scratch, "photo.png");
                photo.WriteToFile(photoPath);
                var side = Math.Min(parseResult.GetValue(crop), Math.Min(photo.Width, photo.Height));
                using (var part = photo.Crop((photo.Width - side) / 2, (photo.Height - side) / 2, side, side))
                {
                    part.WriteToFile(Path.Combine(scratch, "crop.png"));
                }

                var options = new FaceProtectionOptions();
                using var source = ImageDecoder.Decode(photoPath, ImageInspector.ReadHeader(photoPath), cancellationToken);
                using var detector = new FaceDetector(store.ModelsDirectory, new FaceDetectorOptions { InputSize = options.DetectorInputSize, MinFaceSize = 1 });
                var faces = FaceProtectionPass.Find(source, detector, options, cancellationToken);
                var count = Math.Max(1, parseResult.GetValue(runs));
                var (wall, cpu) = MedianTiming.Measure(count, () => FaceProtectionPass.Find(source, detector, options, cancellationToken));
                Console.WriteLine(string.Create(Inv,
                    $"{Path.GetFileName(path)} resized to {source.Width}x{source.Height} ({source.Width * source.Height / 1e6:F2} MP), {faces.Count} face(s); {Environment.ProcessorCount} CPU threads"));
                Console.WriteLine(string.Create(Inv, $"finding faces (shrink to {options.MaxAnalysisSide} px, detector at {options.DetectorInputSize}, 68 landmarks per face), median of {count}: {wall:F1} ms wall, {cpu:F1} ms CPU"));

                using var upscaler = new ImageUpscaler(new EngineOptions { ModelsDirectory = store.ModelsDirectory, ModelCacheDirectory = store.CacheDirectory, UseGpu = false });
                var request = new UpscaleRequest { ModelId = parseResult.GetValue(model), Scale = Scale, Format = OutputFormat.Png, Faces = FaceProtection.Off };
                var cropPath = Path.Combine(scratch, "crop.png");
                await upscaler.UpscaleAsync(cropPath, Path.Combine(scratch, "warm.png"), request, null, cancellationToken);
                using var process = Process.GetCurrentProcess();
                process.Refresh();
                var cpuBefore = process.TotalProcessorTime;
                var result = await upscaler.UpscaleAsync(cropPath, Path.Combine(scratch, "out.png"), request, null, cancellationToken);
                process.Refresh();
                var jobCpu = (process.TotalProcessorTime - cpuBefore).TotalMilliseconds;
                var perPixelWall = result.Elapsed.TotalMilliseconds / (side * side);
                var perPixelCpu = jobCpu / (side * side);
                double pixels = source.Width * source.Height;
                Console.WriteLine(string.Create(Inv,
                    $"{request.ModelId} job on a {side}x{side} crop: {result.Elapsed.TotalSeconds:F1} s wall, {jobCpu / 1000:F1} s CPU; at that rate a {pixels / 1e6:F2} MP job takes {perPixelWall * pixels / 1000:F0} s wall, {perPixelCpu * pixels / 1000:F0} s CPU"));
                Console.WriteLine(string.Create(Inv,
                    $"finding faces adds {100 * wall / (perPixelWall * pixels):F2} % (wall) / {100 * cpu / (perPixelCpu * pixels):F2} % (CPU) to that job; redrawing the faces costs the faithful model's time on the face regions on top."));
                return 0;
            }
            catch (Exception error) when (error is UpscaleException or ModelImportException)
            {
                Console.Error.WriteLine(error.Message);
                return 1;
            }
            finally
            {
                Directory.Delete(scratch, recursive: true);
            }
        });
        return command;
    }

    /// <summary>The largest of the four strips around the regions' bounding box (output pixels), at least 64 px a side; null when none is.</summary>
    internal static TileRect? LargestStripOutside(IReadOnlyList<FaceRegion> regions, int width, int height)
    {
        if (regions.Count == 0)
        {
            return new TileRect(0, 0, width, height);
        }

        var left = regions.Min(r => r.Area.X) * Scale;
        var top = regions.Min(r => r.Area.Y) * Scale;
        var right = regions.Max(r => r.Area.X + r.Area.Width) * Scale;
        var bottom = regions.Max(r => r.Area.Y + r.Area.Height) * Scale;
        TileRect[] strips =
        [
            new(0, 0, width, top),
            new(0, bottom, width, height - bottom),
            new(0, 0, left, height),
            new(right, 0, width - right, height),
        ];
        return strips.Where(s => s.Width >= 64 && s.Height >= 64).OrderByDescending(s => (long)s.Width * s.Height).Cast<TileRect?>().FirstOrDefault();
    }

    private static RgbImage Crop(RgbImage image, TileRect area)
    {
        int plane = image.Width * image.Height, cropPlane = area.Width * area.Height;
        var planes = new float[3 * cropPlane];
        for (var c = 0; c < 3; c++)
        {
            for (var y = 0; y < area.Height; y++)
            {
                Array.Copy(image.Planes, (c * plane) + ((area.Y + y) * image.Width) + area.X, planes, (c * cropPlane) + (y * area.Width), area.Width);
            }
        }

        return new RgbImage(area.Width, area.Height, planes);
    }

    /// <summary>The same box from each image, side by side at 144 px high with 4 px white gaps.</summary>
    private static void SaveStrip(string path, FaceBox box, IReadOnlyList<RgbImage> images)
    {
        var first = images[0];
        var x = (int)Math.Clamp(MathF.Floor(box.X), 0, first.Width - 2);
        var y = (int)Math.Clamp(MathF.Floor(box.Y), 0, first.Height - 2);
        var w = (int)Math.Clamp(MathF.Ceiling(box.Width), 2, first.Width - x);
        var h = (int)Math.Clamp(MathF.Ceiling(box.Height), 2, first.Height - y);
        var tiles = new List<Image>();
        try
        {
            foreach (var image in images)
            {
                using var vips = image.ToVips();
                using var crop = vips.Crop(x, y, w, h);
                var tile = crop.Resize(144.0 / h, kernel: Enums.Kernel.Lanczos3);
                tiles.Add(tile.Embed(0, 0, tile.Width + 4, tile.Height, extend: Enums.Extend.White));
                tile.Dispose();
            }

            using var strip = Image.Arrayjoin([.. tiles]);
            strip.Pngsave(path, compression: 9, palette: true, q: 90);
        }
        finally
        {
            tiles.ForEach(t => t.Dispose());
        }
    }

    private static double Mean(IEnumerable<double> values)
    {
        var finite = values.Where(double.IsFinite).ToList();
        return finite.Count == 0 ? double.NaN : finite.Average();
    }

    private static string Format(double value, string format) => double.IsFinite(value) ? value.ToString(format, Inv) : "-";
}
