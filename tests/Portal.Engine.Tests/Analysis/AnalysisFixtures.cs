using System.Text.Json;
using NetVips;
using Portal.Engine.Tests.Models;
using Portal.Models.Analysis;
using Portal.Models.Evaluation;
using Portal.Models.Packages;

namespace Portal.Engine.Tests.Analysis;

/// <summary>
/// What the analysis-network tests share: the committed networks, the reference numbers the
/// original runtime produced (scripts/analysis-reference/reference.js) and the synthetic input
/// both sides build.
/// </summary>
internal static class AnalysisFixtures
{
    private static readonly Lazy<JsonDocument> ReferenceDocument = new(() => JsonDocument.Parse(
        File.ReadAllBytes(Path.Combine(PinnedPackages.RepositoryRoot, "tests", "Portal.Engine.Tests", "Models", "Reference", "analysis-networks.json"))));

    private static readonly Lazy<Task<NpmTarball>> FaceApiTarball = new(async () =>
    {
        var network = AnalysisNetworks.FaceRecognition;
        var path = await new NpmPackageFetcher(Path.Combine(PinnedPackages.CacheDirectory, "npm"))
            .GetAsync(network.Package, network.Version, network.Integrity, CancellationToken.None);
        return NpmTarball.Open(path, network.Integrity, file => file.StartsWith("model/", StringComparison.Ordinal) || file.StartsWith("demo/sample", StringComparison.Ordinal));
    });

    public static string ModelsDirectory => Support.RepoPaths.Models;

    public static JsonElement Reference => ReferenceDocument.Value.RootElement;

    public static Task<NpmTarball> OpenFaceApiAsync() => FaceApiTarball.Value;

    public static float[] ReferenceValues(JsonElement element) => element.EnumerateArray().Select(v => v.GetSingle()).ToArray();

    /// <summary>The synthetic input of reference.js's pattern(), planar [3,size,size] in 0..1.</summary>
    public static float[] Pattern(int size)
    {
        var planes = new float[3 * size * size];
        for (var y = 0; y < size; y++)
        {
            for (var x = 0; x < size; x++)
            {
                for (var c = 0; c < 3; c++)
                {
                    var smooth = (x * 3 + y * 2 + c * 70) % 256;
                    var checker = ((x >> 3) + (y >> 3)) % 2 == 0 ? 40 : -40;
                    var level = Math.Clamp((int)Math.Floor(smooth * 0.7 + 40 + checker), 0, 255);
                    planes[(c * size + y) * size + x] = level / 255f;
                }
            }
        }
        return planes;
    }

    /// <summary>The package's demo photo (used from the tarball, never committed).</summary>
    public static async Task<RgbImage> FaceApiSampleAsync(string name)
    {
        var tarball = await OpenFaceApiAsync();
        using var image = Image.NewFromBuffer(tarball.GetFile("demo/" + name), access: Enums.Access.Sequential);
        using var upright = image.Autorot();
        return RgbImage.FromVips(upright);
    }

    /// <summary>The public-domain portrait of the evaluation set.</summary>
    public static RgbImage Portrait() => RgbImage.Load(Path.Combine(ModelsDirectory, "evaluation", "photos", "astronaut.png"));

    public static RgbImage FaceFree() => RgbImage.Load(Path.Combine(ModelsDirectory, "evaluation", "photos", "coffee.png"));

    /// <summary>Largest absolute difference and the reference's largest magnitude.</summary>
    public static (float MaxAbs, float ReferenceScale) Compare(float[] expected, float[] actual)
    {
        Assert.Equal(expected.Length, actual.Length);
        float maxAbs = 0, scale = 0;
        for (var i = 0; i < expected.Length; i++)
        {
            maxAbs = Math.Max(maxAbs, Math.Abs(expected[i] - actual[i]));
            scale = Math.Max(scale, Math.Abs(expected[i]));
        }
        return (maxAbs, scale);
    }
}
