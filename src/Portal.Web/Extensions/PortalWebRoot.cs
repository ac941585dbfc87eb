namespace Portal.Web.Extensions;

/// <summary>
/// The web root: <c>wwwroot/</c> beside the app when published, otherwise the repository's top-level
/// <c>wwwroot/</c> (the customer's layout keeps static files there, outside the project folder).
/// </summary>
public static class PortalWebRoot
{
    public static string? Locate()
    {
        foreach (var start in new[] { Directory.GetCurrentDirectory(), AppContext.BaseDirectory })
        {
            if (Directory.Exists(Path.Combine(start, "wwwroot")) && File.Exists(Path.Combine(start, "wwwroot", "css", "portal.css")))
            {
                return Path.Combine(start, "wwwroot");
            }

            for (var directory = new DirectoryInfo(start); directory is not null; directory = directory.Parent)
            {
                if (File.Exists(Path.Combine(directory.FullName, "Portal.sln")) && Directory.Exists(Path.Combine(directory.FullName, "wwwroot")))
                {
                    return Path.Combine(directory.FullName, "wwwroot");
                }
            }
        }

        return null;
    }
}
