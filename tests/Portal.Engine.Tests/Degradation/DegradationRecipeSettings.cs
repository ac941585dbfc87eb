using System.Text.Json;
using Portal.Models.Degradation;

namespace Portal.Engine.Tests.Degradation;

/// <summary>The randomised recipe travels as JSON: it must round-trip, refuse typos and name bad values.</summary>
public sealed class DegradationRecipeSettings
{
    [Fact]
    public void Defaults_are_real_esrgans_and_survive_a_json_round_trip()
    {
        var settings = new DegradationSettings();
        Assert.Equal(new ValueRange(0.2, 3), settings.First.BlurSigma);
        Assert.Equal(new ValueRange(0.2, 1.5), settings.Second.BlurSigma);
        Assert.Equal(0.8, settings.Second.BlurProbability);
        Assert.Equal(0.8, settings.FinalSincProbability);

        var json = JsonSerializer.Serialize(settings, DegradationSettings.JsonOptions);
        Assert.Contains("\"blurSigma\": [", json);
        Assert.Equal(settings, JsonSerializer.Deserialize<DegradationSettings>(json, DegradationSettings.JsonOptions));
        Assert.Empty(settings.Problems());
    }

    [Fact]
    public void A_partial_recipe_overrides_only_what_it_names()
    {
        var settings = JsonSerializer.Deserialize<DegradationSettings>(
            """{ "first": { "jpegQuality": [60, 90] }, "finalSincProbability": 0 }""", DegradationSettings.JsonOptions)!;
        Assert.Equal(new ValueRange(60, 90), settings.First.JpegQuality);
        Assert.Equal(new ValueRange(0.2, 3), settings.First.BlurSigma);
        Assert.Equal(0, settings.FinalSincProbability);
        var plans = Enumerable.Range(0, 50).Select(seed => settings.Sample(4, new SeededRandom((ulong)seed))).ToList();
        Assert.All(plans, plan => Assert.Null(plan.Final.Sinc));
        Assert.All(plans, plan => Assert.InRange(plan.First.JpegQuality!.Value, 60, 90));
    }

    [Fact]
    public void An_unknown_key_is_refused_with_its_name()
    {
        var error = Assert.Throws<JsonException>(() =>
            JsonSerializer.Deserialize<DegradationSettings>("""{ "first": { "blurSigmaa": [1, 2] } }""", DegradationSettings.JsonOptions));
        Assert.Contains("blurSigmaa", error.Message);
    }

    [Fact]
    public void Out_of_range_values_are_named()
    {
        var settings = new DegradationSettings
        {
            First = new StageSettings { JpegQuality = new(20, 120), BlurProbability = 1.5 },
        };
        var problems = settings.Problems();
        Assert.Contains(problems, p => p.Contains("first.jpegQuality"));
        Assert.Contains(problems, p => p.Contains("first.blurProbability"));
    }

    [Fact]
    public void Sampled_plans_cover_every_kernel_family_and_both_noises()
    {
        var plans = Enumerable.Range(0, 400).Select(seed => new DegradationSettings().Sample(4, new SeededRandom((ulong)seed))).ToList();
        var kinds = plans.Select(p => p.First.Blur?.Kind).OfType<BlurKernelKind>().Distinct().ToHashSet();
        Assert.Equal(Enum.GetValues<BlurKernelKind>().ToHashSet(), kinds);
        Assert.Contains(plans, p => p.First.Noise!.Kind == NoiseKind.Poisson);
        Assert.Contains(plans, p => p.First.Noise!.Kind == NoiseKind.Gaussian && p.First.Noise.Grey);
        Assert.Contains(plans, p => p.Second!.Blur is null);
        Assert.All(plans, p => Assert.InRange(p.Second!.Resize!.Factor, 0.3 / 4 - 1e-9, 1.2 / 4 + 1e-9));
    }
}
