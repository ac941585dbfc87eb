using System.Text.Json;

namespace Portal.Models.Evaluation.Metrics;

/// <summary>
/// The multivariate Gaussian of pristine-patch statistics that NIQE measures distance from,
/// fitted on our own clean photos by <c>portal models fit-niqe</c> and committed as JSON.
/// </summary>
/// <param name="PatchSize">Side of the square patches, in pixels of the first scale.</param>
/// <param name="Mean">36 feature means.</param>
/// <param name="Covariance">36 x 36, row-major.</param>
/// <param name="Patches">How many sharp patches the fit used.</param>
/// <param name="Source">Where the photos came from.</param>
public sealed record NiqeModel(int PatchSize, double[] Mean, double[] Covariance, int Patches, string Source)
{
    /// <summary>The reference code's default: patches sharper than 75 % of the image's sharpest are pristine enough.</summary>
    public const double SharpnessThreshold = 0.75;

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { WriteIndented = true };

    public static NiqeModel Fit(IEnumerable<RgbImage> cleanPhotos, int patchSize, string source)
    {
        var selected = new List<double[]>();
        foreach (var photo in cleanPhotos)
        {
            var patches = NaturalSceneStatistics.PatchFeatures(photo, patchSize);
            var sharpest = patches.Max(p => p.Sharpness);
            selected.AddRange(patches.Where(p => p.Sharpness > SharpnessThreshold * sharpest).Select(p => p.Features));
        }
        if (selected.Count < NaturalSceneStatistics.FeatureCount)
        {
            throw new InvalidOperationException($"Only {selected.Count} sharp patches: a NIQE model needs at least {NaturalSceneStatistics.FeatureCount}; add photos.");
        }
        var (mean, covariance) = MeanAndCovariance(selected);
        return new NiqeModel(patchSize, mean, Flatten(covariance), selected.Count, source);
    }

    public static NiqeModel Load(string path)
    {
        var model = JsonSerializer.Deserialize<NiqeModel>(File.ReadAllText(path), Json)
            ?? throw new InvalidDataException($"{path} holds no NIQE model.");
        var n = NaturalSceneStatistics.FeatureCount;
        if (model.Mean?.Length != n || model.Covariance?.Length != n * n || model.PatchSize < 16)
        {
            throw new InvalidDataException($"{path} is not a NIQE model: it needs {n} means, {n * n} covariances and a patch size of at least 16.");
        }
        return model;
    }

    public void Save(string path) => File.WriteAllText(path, JsonSerializer.Serialize(this, Json) + "\n");

    internal static (double[] Mean, double[,] Covariance) MeanAndCovariance(IReadOnlyList<double[]> samples)
    {
        var n = samples[0].Length;
        var mean = new double[n];
        foreach (var s in samples)
        {
            for (var i = 0; i < n; i++)
            {
                mean[i] += s[i] / samples.Count;
            }
        }
        var covariance = new double[n, n];
        var divisor = Math.Max(samples.Count - 1, 1);
        foreach (var s in samples)
        {
            for (var i = 0; i < n; i++)
            {
                for (var j = 0; j < n; j++)
                {
                    covariance[i, j] += (s[i] - mean[i]) * (s[j] - mean[j]) / divisor;
                }
            }
        }
        return (mean, covariance);
    }

    private static double[] Flatten(double[,] matrix) => matrix.Cast<double>().ToArray();
}
