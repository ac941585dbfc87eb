using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Hosting;

namespace Portal.Core.Jobs;

/// <summary>
/// Where the ONNX models and their manifest live: <c>Models:Path</c> when set, else the <c>models/</c>
/// folder copied next to the app, else the repository's top-level <c>models/</c> above the content root.
/// </summary>
public sealed class ModelFolder
{
    public ModelFolder(IConfiguration configuration, IHostEnvironment environment)
    {
        Path = Resolve(configuration["Models:Path"], environment.ContentRootPath);
    }

    public string Path { get; }

    public string ManifestPath => System.IO.Path.Combine(Path, "manifest.json");

    private static string Resolve(string? configured, string contentRoot)
    {
        if (!string.IsNullOrWhiteSpace(configured))
        {
            return System.IO.Path.GetFullPath(configured, contentRoot);
        }

        var besideApp = System.IO.Path.Combine(AppContext.BaseDirectory, "models");
        if (File.Exists(System.IO.Path.Combine(besideApp, "manifest.json")))
        {
            return besideApp;
        }

        for (var directory = new DirectoryInfo(contentRoot); directory is not null; directory = directory.Parent)
        {
            var candidate = System.IO.Path.Combine(directory.FullName, "models");
            if (File.Exists(System.IO.Path.Combine(candidate, "manifest.json")))
            {
                return candidate;
            }
        }

        return besideApp;
    }
}
