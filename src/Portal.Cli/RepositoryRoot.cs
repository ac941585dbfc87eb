namespace Portal.Cli;

internal static class RepositoryRoot
{
    /// <summary>The nearest folder at or above the working directory that holds Portal.sln; else the working directory.</summary>
    public static string Find()
    {
        for (var dir = new DirectoryInfo(Directory.GetCurrentDirectory()); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Portal.sln")))
            {
                return dir.FullName;
            }
        }
        return Directory.GetCurrentDirectory();
    }
}
