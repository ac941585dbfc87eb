namespace Portal.Tests.Infrastructure;

/// <summary>Files of the repository the tests read: the shipped fixtures and the top-level folders.</summary>
public static class RepositoryPaths
{
    public static string Root { get; } = FindRoot();

    /// <summary>A hostile or ordinary image shipped with the engine's tests.</summary>
    public static string Fixture(string name) => Path.Combine(Root, "tests", "Portal.Engine.Tests", "Fixtures", name);

    private static string FindRoot()
    {
        var directory = new DirectoryInfo(AppContext.BaseDirectory);
        while (!File.Exists(Path.Combine(directory!.FullName, "Portal.sln")))
        {
            directory = directory.Parent;
        }

        return directory.FullName;
    }
}
