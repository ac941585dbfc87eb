namespace Portal.Core.Data;

/// <summary>Configuration section <c>Database</c>.</summary>
public sealed class DatabaseOptions
{
    public const string SectionName = "Database";

    /// <summary><c>Sqlite</c> (default, a file in the data folder) or <c>SqlServer</c>.</summary>
    public DatabaseProvider Provider { get; set; } = DatabaseProvider.Sqlite;

    /// <summary>
    /// Connection string. Empty means "portal.db in the data folder" for SQLite;
    /// SQL Server always needs one.
    /// </summary>
    public string? ConnectionString { get; set; }

    /// <summary>Apply pending migrations at start-up (SQLite default; SQL Server uses a migration bundle).</summary>
    public bool? MigrateAtStartup { get; set; }
}
