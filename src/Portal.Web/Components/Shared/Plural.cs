using System.Globalization;

namespace Portal.Web.Components.Shared;

/// <summary>Counts in words a person reads: "1 credit", "2 credits", "1,024 images".</summary>
public static class Plural
{
    public static string Of(int count, string one, string? many = null) =>
        $"{count.ToString("N0", CultureInfo.InvariantCulture)} {(count == 1 ? one : many ?? one + "s")}";
}
