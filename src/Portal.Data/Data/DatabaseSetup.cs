namespace Portal.Core.Data;

/// <summary>Names the migrations assembly of each provider, so the host and the design-time factories agree.</summary>
public static class DatabaseSetup
{
    public const string SqliteMigrationsAssembly = "Portal.Migrations.Sqlite";
    public const string SqlServerMigrationsAssembly = "Portal.Migrations.SqlServer";
}
