using System.CommandLine;
using System.Globalization;
using Portal.Engine;
using Portal.Engine.Faces;
using Portal.Engine.Imaging;
using Portal.Models;
using Portal.Models.Evaluation;
using Portal.Models.Degradation;
using Portal.Models.Evaluation.Metrics;
using Portal.Models.Restoration;

namespace Portal.Cli;

/// <summary>
/// <c>models evaluate --tracks ...</c>: the clean and real-world tracks with every metric, the
/// acceptance table and picture crops, written to the Measurements section of docs/MODELS.md.
/// Also <c>models fit-niqe</c>, which fits the NIQE model the evaluation uses.
/// </summary>
internal static class EvaluateTracks
{
    public static readonly Option<string[]> Tracks = new("--tracks")
    {
        Description = "Run the metric tracks instead of the PSNR-only report: clean, light, medium, heavy or all (comma-separated or repeated).",
        AllowMultipleArgumentsPerToken = true,
    };

    public static readonly Option<string[]> Models = new("--model")
    {
        Description = "With --tracks: only these model ids (repeatable; default every installed model of each scale).",
    };

    public static readonly Option<string[]> Sets = new("--set")
    {
        Description = "With --tracks: only these image folders, e.g. photos (repeatable; default all).",
    };

    public static readonly Option<string[]> Crops = new("--crop")
    {
        Description = "With --tracks: a picture crop label:image.png:left,top,size (repeatable); strips go to --crops-dir.",
    };

    public static readonly Option<string?> CropsDirectory = new("--crops-dir")
    {
        Description = "Where the picture strips are written (default: docs/images/evaluation).",
    };

    public static readonly Option<string?> NiqeModelPath = new("--niqe-model")
    {
        Description = "The fitted NIQE model (default: models/evaluation/niqe-model.json).",
    };

    public static readonly Option<string?> Machine = new("--machine")
    {
        Description = "How to name this machine in the report (default: processor count and OS).",
    };

    public static readonly Option<double[]> Deblock = new("--deblock")
    {
        Description = "With --tracks: also run each model on the real-world inputs deblocked first at this strength (repeatable; 1 = the engine's), "
            + "using the track's final JPEG quality as the engine would read it from the file.",
    };

    public static readonly Option<string[]> DeblockModels = new("--deblock-model")
    {
        Description = "With --deblock: only these model ids get the deblocked rows (repeatable; default every model).",
    };

    public static readonly Option<string[]> Blend = new("--blend")
    {
        Description = "With --tracks: a row mixing two measured methods, FIRST|SECOND|WEIGHT (weight of the first; repeatable).",
    };

    public static readonly Option<string?> JsonPath = new("--json")
    {
        Description = "With --tracks: also write the numbers as JSON here (the portal's /models page reads models/quality-report.json).",
    };

    public static readonly Option<QualityLevel[]> Served = new("--served")
    {
        Description = "With --tracks: also a row of what the engine serves at this quality level (repeatable): each track's input is handed to the engine "
            + "as the file a person would upload (the final JPEG's own bytes), with the input condition on auto and default options.",
    };

    public static readonly Option<string[]> Candidates = new("--candidate")
    {
        Description = "With --served: also a row of what the engine would serve if this model were placed for compressed or noisy inputs in each served cell "
            + "(repeatable): [LEVEL:]MODEL, MODEL+restoration (the x4plus recipe as at photo x3 Ultra: deblocking and the x4fast mix by JPEG quality), "
            + "MODEL+restoration/PARTNER (the same recipe mixing PARTNER in x4fast's place) or MODEL+deblock "
            + "(that recipe's deblocking alone); with LEVEL only in that served cell. A model of a larger native scale is run at it and downscaled, as the engine does.",
    };

    public static IEnumerable<Option> All => [Tracks, Models, Sets, Crops, CropsDirectory, NiqeModelPath, Machine, Deblock, DeblockModels, Blend, Served, Candidates, JsonPath];

    public static bool Requested(ParseResult parseResult) => parseResult.GetValue(Tracks) is { Length: > 0 };

    public static async Task<int> RunAsync(
        ParseResult parseResult, ModelStore store, string imagesDirectory, int[] scales, bool fetch, string reportPath, CancellationToken cancellationToken)
    {
        var tracks = ParseTracks(parseResult.GetValue(Tracks)!);
        if (tracks is null)
        {
            Console.Error.WriteLine("--tracks takes clean, light, medium, heavy or all.");
            return 2;
        }
        List<CropSpec> crops;
        try
        {
            crops = (parseResult.GetValue(Crops) ?? []).Select(CropSpec.Parse).ToList();
        }
        catch (FormatException error)
        {
            Console.Error.WriteLine(error.Message);
            return 2;
        }
        var wantedModels = parseResult.GetValue(Models) ?? [];
        var unknown = wantedModels.Where(id => store.Manifest.FindById(id) is null).ToList();
        if (unknown.Count > 0)
        {
            Console.Error.WriteLine($"Not in the manifest: {string.Join(", ", unknown)}.");
            return 2;
        }
        var niqePath = parseResult.GetValue(NiqeModelPath) ?? Path.Combine(store.ModelsDirectory, "evaluation", "niqe-model.json");
        var metrics = MetricCatalog.Classical();
        try
        {
            metrics.Add(new Brisque());
            metrics.Add(new Niqe(NiqeModel.Load(niqePath)));
            // The analysis networks (models/analysis/): perceptual distance on every image, identity drift where there is a face.
            metrics.Add(new DeepFeatureDistance(store.ModelsDirectory));
            metrics.Add(new FaceIdentityDrift(store.ModelsDirectory));
        }
        catch (Exception error) when (error is FileNotFoundException or InvalidDataException or ModelImportException)
        {
            Console.Error.WriteLine(error.Message);
            return 1;
        }

        List<(string, string, double)> blends;
        try
        {
            blends = (parseResult.GetValue(Blend) ?? []).Select(ParseBlend).ToList();
        }
        catch (FormatException error)
        {
            Console.Error.WriteLine(error.Message);
            return 2;
        }
        var wantedSets = parseResult.GetValue(Sets) ?? [];
        var sets = Directory.GetDirectories(imagesDirectory).Order(StringComparer.Ordinal)
            .Where(folder => wantedSets.Length == 0 || wantedSets.Contains(Path.GetFileName(folder)))
            .ToList();
        var reportDirectory = Path.GetDirectoryName(Path.GetFullPath(reportPath))!;
        var cropsDirectory = Path.GetFullPath(parseResult.GetValue(CropsDirectory) ?? Path.Combine(reportDirectory, "images", "evaluation"));
        var reportSets = new List<MeasurementReport.Set>();
        List<MeasurementReport.Picture> SavePictures(CropSheet sheet, int scale) => sheet.Save(cropsDirectory)
            .Select(w => new MeasurementReport.Picture(
                Path.GetRelativePath(reportDirectory, Path.Combine(cropsDirectory, w.File)).Replace('\\', '/'), w.Crop, w.Track, scale, w.Columns))
            .ToList();
        var pictures = new List<MeasurementReport.Picture>();
        List<(QualityLevel? Level, string Name, string ModelId, RealWorldRestoration? Restoration)> candidates;
        try
        {
            candidates = (parseResult.GetValue(Candidates) ?? []).Select(CandidateOption.Parse).ToList();
        }
        catch (FormatException error)
        {
            Console.Error.WriteLine(error.Message);
            return 2;
        }
        var unknownCandidates = candidates.SelectMany(c => new[] { c.ModelId, c.Restoration?.PartnerModelId })
            .OfType<string>().Where(id => store.Manifest.FindById(id) is null).Distinct().ToList();
        if (unknownCandidates.Count > 0)
        {
            Console.Error.WriteLine($"Not in the manifest: {string.Join(", ", unknownCandidates)}.");
            return 2;
        }
        // One engine per lineup for the whole run, as in the portal: its sessions are cached per model.
        var engines = new Dictionary<string, ImageUpscaler>(StringComparer.Ordinal);
        ImageUpscaler EngineFor(string key, Portal.Models.Lineup.LineupRules lineup)
        {
            if (!engines.TryGetValue(key, out var upscaler))
            {
                upscaler = new ImageUpscaler(new EngineOptions
                {
                    ModelsDirectory = store.ModelsDirectory,
                    ModelCacheDirectory = store.CacheDirectory,
                    UseGpu = false,
                    Lineup = lineup,
                });
                engines[key] = upscaler;
            }
            return upscaler;
        }
        try
        {
            foreach (var folder in sets)
            {
                var images = EvaluationImage.LoadFolder(folder, Console.WriteLine);
                if (images.Count == 0)
                {
                    continue;
                }
                var results = new List<MethodScores>();
                foreach (var scale in scales)
                {
                    var models = new List<(string, string)>();
                    foreach (var entry in store.Manifest.Models.Where(m => m.Scale == scale && (wantedModels.Length == 0 || wantedModels.Contains(m.Id))))
                    {
                        if (!store.IsInstalled(entry) && !fetch)
                        {
                            Console.WriteLine($"Skipping {entry.Id}: not installed (use --fetch).");
                            continue;
                        }
                        models.Add((entry.Id, await store.EnsureInstalledAsync(entry, cancellationToken)));
                    }
                    var setCrops = crops.Where(c => images.Any(i => i.Name == c.ImageName)).ToList();
                    var sheet = new CropSheet(setCrops, scale);
                    var setName = Path.GetFileName(folder);
                    var imageNames = images.Select(i => Path.GetFileNameWithoutExtension(i.Name)).ToList();
                    var content = setName == "art" ? ContentType.Art : ContentType.Photo;
                    var servedLevels = (parseResult.GetValue(Served) ?? []).Where(level => OfferedOrSaySo(content, scale, level)).ToList();
                    var pipelines = servedLevels
                        .Select(level => (TrackEvaluator.Served(content, scale, level), ServedBy(EngineFor("", Portal.Models.Lineup.LineupRules.Current), content, scale, level, cancellationToken)))
                        .ToList();
                    foreach (var level in servedLevels)
                    {
                        foreach (var (_, name, modelId, restoration) in candidates.Where(c => c.Level is null || c.Level == level))
                        {
                            var lineup = CandidateLineup(content, scale, level, modelId, restoration);
                            pipelines.Add((TrackEvaluator.Candidate(content, scale, level, name), ServedBy(EngineFor($"{content} {scale} {level} {name}", lineup), content, scale, level, cancellationToken)));
                        }
                    }
                    var evaluator = new TrackEvaluator(metrics, Console.WriteLine)
                    {
                        Pipelines = pipelines,
                        InputFilters = DeblockFilters(parseResult.GetValue(Deblock) ?? [], scale),
                        FilteredModels = (parseResult.GetValue(DeblockModels) ?? []).ToHashSet(StringComparer.Ordinal),
                        Blends = blends,
                        OnOutput = setCrops.Count > 0 ? sheet.Add : null,
                        // A long run on shared cores publishes what it has after every model: an interrupted run still leaves numbers.
                        OnProgress = partial => WriteReport(
                            reportPath, metrics, [.. reportSets, new MeasurementReport.Set(setName, imageNames, [.. results, .. partial])], [.. pictures, .. SavePictures(sheet, scale)], parseResult),
                    };
                    results.AddRange(evaluator.Evaluate(images, scale, tracks, models, cancellationToken));
                    pictures.AddRange(SavePictures(sheet, scale));
                }
                reportSets.Add(new MeasurementReport.Set(Path.GetFileName(folder), images.Select(i => Path.GetFileNameWithoutExtension(i.Name)).ToList(), results));
            }
        }
        catch (ModelImportException error)
        {
            Console.Error.WriteLine("Evaluation failed: " + error.Message);
            return 1;
        }
        finally
        {
            foreach (var upscaler in engines.Values)
            {
                upscaler.Dispose();
            }
            foreach (var metric in metrics.OfType<IDisposable>())
            {
                metric.Dispose();
            }
        }

        Console.WriteLine(WriteReport(reportPath, metrics, reportSets, pictures, parseResult));
        Console.WriteLine($"Updated {reportPath}.");
        return 0;
    }

    private static string WriteReport(
        string reportPath, IReadOnlyList<IQualityMetric> metrics, IReadOnlyList<MeasurementReport.Set> sets, IReadOnlyList<MeasurementReport.Picture> pictures, ParseResult parseResult)
    {
        var command = "portal models evaluate " + string.Join(' ', Environment.GetCommandLineArgs().Skip(1).SkipWhile(a => a != "evaluate").Skip(1).Select(a => a.Contains(' ') ? $"\"{a}\"" : a));
        var machine = parseResult.GetValue(Machine) ?? $"{Environment.ProcessorCount} CPU cores, {System.Runtime.InteropServices.RuntimeInformation.OSDescription}";
        var report = MeasurementReport.Render(metrics, sets, pictures, command.Trim(), machine);
        File.WriteAllText(reportPath, MeasurementReport.Merge(File.Exists(reportPath) ? File.ReadAllText(reportPath) : null, report));
        if (parseResult.GetValue(JsonPath) is { } jsonPath)
        {
            File.WriteAllText(jsonPath, PublishedReport.From(command.Trim(), machine, metrics, sets, pictures).ToJson());
        }
        return report;
    }

    /// <summary>
    /// The engine as a person meets it: the track's input written as the file they would upload, planned and
    /// upscaled by <see cref="ImageUpscaler"/> (condition detection, lineup, restoration, tiles, face protection),
    /// and the PNG it writes read back.
    /// </summary>
    private static Func<EvaluationImage, EvaluationTrack, RgbImage> ServedBy(ImageUpscaler upscaler, ContentType content, int scale, QualityLevel level, CancellationToken cancellationToken) =>
        (original, track) =>
        {
            var directory = Directory.CreateTempSubdirectory("portal-served-");
            try
            {
                var file = track.MakeInputFile(original, scale);
                var input = Path.Combine(directory.FullName, file.Jpeg is null ? "input.png" : "input.jpg");
                if (file.Jpeg is { } jpeg)
                {
                    File.WriteAllBytes(input, jpeg);
                }
                else
                {
                    using var vips = file.Image.ToVips();
                    vips.Pngsave(input);
                }
                var output = Path.Combine(directory.FullName, "output.png");
                var request = new UpscaleRequest { Content = content, Scale = scale, Quality = level, Format = OutputFormat.Png };
                var plan = upscaler.Plan(input, request);
                Console.WriteLine($"  {original.Name}: {plan.DescribeCondition()} {plan.Describe()}");
                upscaler.UpscaleAsync(input, output, request, cancellationToken: cancellationToken).GetAwaiter().GetResult();
                using var result = NetVips.Image.NewFromFile(output, access: NetVips.Enums.Access.Sequential);
                return RgbImage.FromVips(result);
            }
            finally
            {
                directory.Delete(recursive: true);
            }
        };

    private static bool OfferedOrSaySo(ContentType content, int scale, QualityLevel level)
    {
        var offered = Portal.Models.Lineup.LineupRules.Current.Offers(content, scale, level);
        if (!offered)
        {
            Console.WriteLine($"No served row for {content.ToString().ToLowerInvariant()} x{scale} {level}: the lineup does not offer it.");
        }
        return offered;
    }

    /// <summary>The product's lineup with one degraded cell replaced: what the engine would serve if the candidate were placed there.</summary>
    private static Portal.Models.Lineup.LineupRules CandidateLineup(ContentType content, int scale, QualityLevel level, string modelId, RealWorldRestoration? restoration) =>
        new(Portal.Models.Lineup.LineupRules.Current.Placements
            .Where(p => !(p.Content == content && p.Scale == scale && p.Level == level && p.Condition == InputCondition.Degraded))
            .Append(new Portal.Models.Lineup.LineupPlacement(content, scale, level, InputCondition.Degraded, modelId) { Restoration = restoration }));

    private static List<(string Suffix, Func<RgbImage, EvaluationTrack, RgbImage?> Prepare)> DeblockFilters(double[] strengths, int scale) =>
        strengths.Select(strength => (
            string.Create(CultureInfo.InvariantCulture, $"deblock {strength:0.##}"),
            (Func<RgbImage, EvaluationTrack, RgbImage?>)((input, track) =>
                track.Strength() is { } s && DegradationPresets.For(s, scale).Final.JpegQuality is { } quality
                    ? JpegDeblocker.Apply(input, quality, strength)
                    : null)))
        .ToList();

    private static (string, string, double) ParseBlend(string value)
    {
        var parts = value.Split('|');
        return parts.Length == 3 && double.TryParse(parts[2], NumberStyles.Float, CultureInfo.InvariantCulture, out var weight) && weight is >= 0 and <= 1
            ? (parts[0], parts[1], weight)
            : throw new FormatException($"--blend takes FIRST|SECOND|WEIGHT with a weight from 0 to 1; got \"{value}\".");
    }

    internal static List<EvaluationTrack>? ParseTracks(string[] values)
    {
        var tracks = new List<EvaluationTrack>();
        foreach (var value in values.SelectMany(v => v.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)))
        {
            if (value.Equals("all", StringComparison.OrdinalIgnoreCase))
            {
                tracks.AddRange(Enum.GetValues<EvaluationTrack>());
            }
            else if (Enum.TryParse<EvaluationTrack>(value, ignoreCase: true, out var track) && Enum.IsDefined(track))
            {
                tracks.Add(track);
            }
            else
            {
                return null;
            }
        }
        return tracks.Distinct().Order().ToList();
    }

    public static Command CreateFitNiqe()
    {
        var images = new Option<string>("--images") { Description = "Folder of clean photos (PNG or JPEG) to fit on.", Required = true };
        var output = new Option<string?>("--output") { Description = "Where to write the model (default: models/evaluation/niqe-model.json)." };
        var patch = new Option<int>("--patch") { Description = "Patch size in pixels (default 64).", DefaultValueFactory = _ => 64 };
        var shrink = new Option<int>("--shrink") { Description = "Shrink each photo by this factor first (antialiased), as the evaluation crops were (default 4).", DefaultValueFactory = _ => 4 };
        var source = new Option<string>("--source") { Description = "Where the photos come from, recorded in the model.", Required = true };
        var command = new Command("fit-niqe", "Fit the NIQE pristine model on clean photos.") { Options = { images, output, patch, shrink, source } };
        command.SetAction(parseResult =>
        {
            var store = ModelsCommand.OpenStore(parseResult);
            var photos = EvaluationImage.LoadFolder(parseResult.GetValue(images)!, Console.WriteLine);
            var factor = parseResult.GetValue(shrink);
            var shrunk = photos.Select(p => Resampler.Resize(p.Image, p.Image.Width / factor, p.Image.Height / factor, Resampler.Kernel.Lanczos3).Quantized());
            var model = NiqeModel.Fit(shrunk, parseResult.GetValue(patch), parseResult.GetValue(source)!);
            var path = parseResult.GetValue(output) ?? Path.Combine(store.ModelsDirectory, "evaluation", "niqe-model.json");
            model.Save(path);
            Console.WriteLine($"Fitted NIQE on {photos.Count} photo(s), {model.Patches} sharp patches of {model.PatchSize} px: {path}");
            return 0;
        });
        return command;
    }
}
