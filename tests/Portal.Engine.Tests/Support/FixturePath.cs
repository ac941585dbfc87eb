namespace Portal.Engine.Tests.Support;

internal static class FixturePath
{
    public static string Of(string name) => Path.Combine(AppContext.BaseDirectory, "Fixtures", name);
}
