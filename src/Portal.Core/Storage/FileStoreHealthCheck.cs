using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Portal.Core.Storage;

/// <summary>Healthy when the file store answers (a lookup of a key that holds nothing), whichever store is configured.</summary>
public sealed class FileStoreHealthCheck(IFileStore store) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        try
        {
            await store.ExistsAsync("health/probe", cancellationToken);
            return HealthCheckResult.Healthy($"{store.GetType().Name} answers.");
        }
        catch (StorageUnavailableException e)
        {
            return HealthCheckResult.Unhealthy(e.Message);
        }
    }
}
