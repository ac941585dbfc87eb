using System.ComponentModel.DataAnnotations;

namespace Portal.Core.Storage;

/// <summary>Where uploads, results and thumbnails are kept.</summary>
public enum StorageProvider
{
    /// <summary>Files under the data folder: one machine, the default.</summary>
    Local,

    /// <summary>Azure Blob Storage (or Azurite): every web and worker node sees the same files.</summary>
    AzureBlob,
}

/// <summary>Configuration section <c>Storage</c>.</summary>
public sealed class StorageOptions
{
    public const string SectionName = "Storage";

    /// <summary>
    /// Folder for the SQLite database, uploads, results, the mail outbox and the key ring.
    /// Relative paths are resolved against the application's content root.
    /// </summary>
    [Required]
    public string DataPath { get; set; } = "App_Data";

    public StorageProvider Provider { get; set; } = StorageProvider.Local;

    public BlobStorageOptions AzureBlob { get; set; } = new();

    /// <summary>The message naming the missing key, or null when the options hold together.</summary>
    public string? Problem() =>
        Provider == StorageProvider.AzureBlob && string.IsNullOrWhiteSpace(AzureBlob.ConnectionString)
            ? "Storage:AzureBlob:ConnectionString is required when Storage:Provider is AzureBlob."
            : Provider == StorageProvider.AzureBlob && !BlobStorageOptions.IsValidContainerName(AzureBlob.Container)
                ? "Storage:AzureBlob:Container must be 3-63 lower-case letters, digits and single hyphens."
                : null;
}

/// <summary>Configuration section <c>Storage:AzureBlob</c>.</summary>
public sealed class BlobStorageOptions
{
    /// <summary>A storage account connection string (account key or SAS); keep it in user-secrets or the environment.</summary>
    public string ConnectionString { get; set; } = "";

    /// <summary>The container that holds every file; created when missing.</summary>
    public string Container { get; set; } = "portal-files";

    /// <summary>Retries of one storage call before it counts as unreachable (an upload then answers 503).</summary>
    [Range(0, 10)]
    public int MaxRetries { get; set; } = 2;

    /// <summary>Seconds one storage request may take on the network before it is retried.</summary>
    [Range(1, 600)]
    public int NetworkTimeoutSeconds { get; set; } = 30;

    public static bool IsValidContainerName(string name) =>
        name.Length is >= 3 and <= 63
        && name.All(c => c is (>= 'a' and <= 'z') or (>= '0' and <= '9') or '-')
        && name[0] != '-' && name[^1] != '-' && !name.Contains("--", StringComparison.Ordinal);
}
