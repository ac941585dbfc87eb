namespace Portal.Core.Data;

public enum DatabaseProvider
{
    Sqlite,
    SqlServer,
}
