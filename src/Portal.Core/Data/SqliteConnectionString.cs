using Microsoft.Data.Sqlite;

namespace Portal.Core.Data;

/// <summary>Connection strings for the embedded SQLite database.</summary>
public static class SqliteConnectionString
{
    /// <summary>A database file, with a busy timeout so concurrent writers wait instead of failing.</summary>
    public static string For(string databaseFile) => new SqliteConnectionStringBuilder
    {
        DataSource = databaseFile,
        Pooling = true,
        DefaultTimeout = 30,
    }.ToString();
}
