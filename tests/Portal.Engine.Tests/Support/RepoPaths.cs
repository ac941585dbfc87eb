namespace Portal.Engine.Tests.Support;

internal static class RepoPaths
{
    /// <summary>The repository's models/ folder, found by walking up from the test binaries.</summary>
    public static string Models { get; } = Find();

    private static string Find()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            var candidate = Path.Combine(dir.FullName, "models", "manifest.json");
            if (File.Exists(candidate))
            {
                return Path.GetDirectoryName(candidate)!;
            }
        }

        throw new DirectoryNotFoundException("models/manifest.json not found above the test folder.");
    }
}
