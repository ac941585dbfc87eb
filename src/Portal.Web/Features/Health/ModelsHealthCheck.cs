using System.Text.Json;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Portal.Models;
using Portal.Core.Jobs;

namespace Portal.Web.Features.Health;

/// <summary>Healthy when the model manifest is readable and every model file it ships is on disk.</summary>
public sealed class ModelsHealthCheck(ModelFolder folder) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var manifest = folder.ManifestPath;
        if (!File.Exists(manifest))
        {
            return Task.FromResult(HealthCheckResult.Unhealthy($"The model manifest {manifest} is missing."));
        }

        try
        {
            var files = ModelManifest.Load(manifest).ShippedFiles().ToList();
            var missing = files.Where(f => !File.Exists(Path.Combine(folder.Path, f))).ToList();
            return Task.FromResult(missing.Count == 0
                ? HealthCheckResult.Healthy($"{files.Count} model files present.")
                : HealthCheckResult.Unhealthy($"Model files missing: {string.Join(", ", missing)}."));
        }
        catch (Exception e) when (e is JsonException or InvalidDataException)
        {
            return Task.FromResult(HealthCheckResult.Unhealthy($"The model manifest cannot be read: {e.Message}"));
        }
    }
}
