namespace Portal.Models.Lineup;

/// <summary>
/// Which faithful network redraws faces for each GAN-trained photo network ("Protect faces"). The
/// faithful one has the same native scale and was trained for PSNR, so it keeps eyes and mouths as
/// they are; esrgan-thick is the most faithful x4 model in docs/MODELS.md. GAN-trained anime models
/// are left out: art is not a portrait, and they are faithful on art (docs/MODELS.md).
/// </summary>
public static class FaceSafeModels
{
    private static readonly Dictionary<string, string> FaithfulByGan = new(StringComparer.Ordinal)
    {
        ["esrgan-legacy-gans-x4"] = "esrgan-thick-x4",
        ["realesrgan-x4plus-x4"] = "esrgan-thick-x4",
        ["realesrgan-x4fast-x4"] = "esrgan-thick-x4",
    };

    /// <summary>Every GAN-trained photo network and its faithful partner.</summary>
    public static IReadOnlyDictionary<string, string> Pairs => FaithfulByGan;

    /// <summary>The faithful network that redraws faces for <paramref name="modelId"/>; null when it is not a GAN-trained photo network.</summary>
    public static string? FaithfulFor(string modelId) => FaithfulByGan.GetValueOrDefault(modelId);

    /// <summary>True when "Protect faces" changes a job: a photo run through a GAN-trained network.</summary>
    public static bool AppliesTo(ContentType content, string modelId) => content == ContentType.Photo && FaithfulFor(modelId) is not null;

    /// <summary>
    /// True when some input condition makes this combination run a GAN-trained photo network, so the
    /// upload page shows the "Protect faces" switch for it.
    /// </summary>
    public static bool MayApply(LineupRules lineup, ContentType content, int scale, QualityLevel level)
    {
        ArgumentNullException.ThrowIfNull(lineup);
        return Enum.GetValues<InputCondition>()
            .Select(condition => lineup.Choose(content, scale, level, condition).ModelId)
            .Any(id => id is not null && AppliesTo(content, id));
    }
}
