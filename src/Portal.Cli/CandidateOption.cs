using Portal.Models;
using Portal.Models.Restoration;

/// <summary>
/// The value of `portal models evaluate --candidate`: which model, at which level, with which real-world restoration
/// the degraded cell would serve. Public so the parsing is tested without running an evaluation.
/// </summary>
public static class CandidateOption
{
    /// <summary>One --candidate value: [LEVEL:]MODEL, MODEL+restoration, MODEL+restoration/PARTNER or MODEL+deblock.</summary>
    public static (QualityLevel? Level, string Name, string ModelId, RealWorldRestoration? Restoration) Parse(string value)
    {
        var colon = value.IndexOf(':', StringComparison.Ordinal);
        QualityLevel? level = null;
        if (colon >= 0)
        {
            level = Enum.TryParse<QualityLevel>(value[..colon], ignoreCase: true, out var parsed) && Enum.IsDefined(parsed)
                ? parsed
                : throw new FormatException($"--candidate: \"{value[..colon]}\" is not a quality level.");
        }
        var parts = value[(colon + 1)..].Split('+', 2, StringSplitOptions.TrimEntries);
        if (parts.Length == 2 && parts[1].StartsWith("restoration/", StringComparison.Ordinal) && parts[1]["restoration/".Length..] is { Length: > 0 } partner)
        {
            // The recipe's deblocking and shares with another partner network in x4fast's place.
            return (level, $"{parts[0]} + restoration with {partner}", parts[0], RealWorldRestoration.X4PlusWithX4Fast with { PartnerModelId = partner });
        }
        return parts.Length == 1 || parts[1] is "restoration" or "deblock"
            ? (level, string.Join(" + ", parts), parts[0], parts.Length == 1 ? null
                : parts[1] == "restoration" ? RealWorldRestoration.X4PlusWithX4Fast : RealWorldRestoration.X4PlusWithX4Fast.DeblockingOnly())
            : throw new FormatException($"--candidate takes [LEVEL:]MODEL, MODEL+restoration, MODEL+restoration/PARTNER or MODEL+deblock; got \"{value}\".");
    }
}
