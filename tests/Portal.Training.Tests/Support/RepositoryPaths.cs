namespace Portal.Training.Tests.Support;

internal static class RepositoryPaths
{
    /// <summary>The repository root: the nearest folder above the test binaries holding Portal.sln.</summary>
    public static string Root { get; } = FindRoot();

    public static string Models => Path.Combine(Root, "models");

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Portal.sln")))
            {
                return dir.FullName;
            }
        }
        throw new DirectoryNotFoundException("Portal.sln not found above the test binaries.");
    }
}
