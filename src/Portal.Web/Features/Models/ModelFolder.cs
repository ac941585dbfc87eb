using System.Text.Json;

namespace Portal.Web.Features.Models;

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

    /// <summary>Relative paths of the model files the manifest says are shipped with the portal.</summary>
    public static List<string> ShippedFiles(string manifestJson)
    {
        using var document = JsonDocument.Parse(manifestJson);
        var files = new List<string>();
        Collect(document.RootElement, files);
        return files;
    }

    private static void Collect(JsonElement element, List<string> files)
    {
        switch (element.ValueKind)
        {
            case JsonValueKind.Object:
                // Models fetched and converted on first use are listed with "committed": false and are not
                // expected on disk; their int8 variants are small and always committed.
                if (element.TryGetProperty("committed", out var committed) && committed.ValueKind == JsonValueKind.False)
                {
                    if (element.TryGetProperty("int8", out var int8))
                    {
                        Collect(int8, files);
                    }

                    return;
                }

                foreach (var property in element.EnumerateObject())
                {
                    Collect(property.Value, files);
                }

                break;
            case JsonValueKind.Array:
                foreach (var item in element.EnumerateArray())
                {
                    Collect(item, files);
                }

                break;
            case JsonValueKind.String when element.GetString() is { } value
                && value.EndsWith(".onnx", StringComparison.OrdinalIgnoreCase)
                && !System.IO.Path.IsPathRooted(value):
                files.Add(value);
                break;
        }
    }

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
