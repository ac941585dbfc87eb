namespace Portal.Core.Storage;

/// <summary>Absolute paths inside the data folder. Every folder is created on first use.</summary>
public sealed class DataFolders
{
    public DataFolders(string dataPath, string contentRoot)
    {
        Root = Path.GetFullPath(Path.IsPathRooted(dataPath) ? dataPath : Path.Combine(contentRoot, dataPath));
        Directory.CreateDirectory(Root);
    }

    public string Root { get; }

    public string DatabaseFile => Path.Combine(Root, "portal.db");

    public string Outbox => Ensure(Path.Combine(Root, "outbox"));

    /// <summary>Everything stored for one user lives under this folder, so deleting an account removes it whole.</summary>
    public string ForUser(string userId)
    {
        // Identity user ids are GUID strings; refuse anything that could walk out of the folder.
        if (!Guid.TryParse(userId, out var id))
        {
            throw new ArgumentException("A user id must be a GUID.", nameof(userId));
        }

        return Path.Combine(Root, "users", id.ToString("N"));
    }

    private static string Ensure(string path)
    {
        Directory.CreateDirectory(path);
        return path;
    }
}
