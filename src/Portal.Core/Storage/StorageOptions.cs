using System.ComponentModel.DataAnnotations;

namespace Portal.Core.Storage;

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
}
