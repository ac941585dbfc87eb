using Portal.Models.Degradation;
using Portal.Models.Evaluation;

namespace Portal.Training.Tests.Support;

/// <summary>A throw-away data folder with a few generated images (bars and blocks: edges to learn), and a tiny recipe over it.</summary>
internal sealed class TinyDataSet : IDisposable
{
    public TinyDataSet(int images = 4, int size = 48)
    {
        Root = Directory.CreateTempSubdirectory("portal-training-").FullName;
        foreach (var split in new[] { "train", "heldout" })
        {
            var folder = Path.Combine(Root, "data", "tiny", split);
            Directory.CreateDirectory(folder);
            for (var i = 0; i < (split == "train" ? images : 1); i++)
            {
                Pattern(size, SeededRandom.SeedFrom($"{split}/{i}")).Save(Path.Combine(folder, $"image-{i}.png"));
            }
        }
    }

    public string Root { get; }

    public string DataRoot => Path.Combine(Root, "data");

    public string RunsRoot => Path.Combine(Root, "runs");

    public TrainingOptions Options(int? stopAt = null, bool resume = false) => new()
    {
        RepositoryRoot = RepositoryPaths.Root,
        DataRoot = DataRoot,
        RunsRoot = RunsRoot,
        StopAtStep = stopAt,
        Resume = resume,
        WritePictures = false,
    };

    public static TrainingRecipe Recipe(string name, int steps, double gan = 0) => new()
    {
        Name = name,
        Seed = 5,
        Architecture = new ArchitectureRecipe { Type = ArchitectureKind.SrvggCompact, Scale = 2, Features = 8, Convolutions = 1 },
        Data = new DataRecipe { Domain = "tiny", CropSize = 16, CleanFraction = 0.5, JpegQuality = [60, 90] },
        Losses = new LossRecipe { L1 = 1, Fft = 0.05, Gan = gan, DiscriminatorFeatures = 4 },
        Optimizer = new OptimizerRecipe { LearningRate = 5e-3, WarmupSteps = 2 },
        Steps = steps,
        BatchSize = 4,
        EmaDecay = 0.9,
        CheckpointEvery = 4,
        PreviewEvery = 1000,
    };

    public static RgbImage Pattern(int size, ulong seed)
    {
        var random = new SeededRandom(seed);
        var planes = new float[3 * size * size];
        for (var block = 0; block < 12; block++)
        {
            int x = random.NextInt(0, size - 4), y = random.NextInt(0, size - 4), w = random.NextInt(1, 12), h = random.NextInt(1, 12);
            var colour = new[] { (float)random.NextDouble(), (float)random.NextDouble(), (float)random.NextDouble() };
            for (var row = y; row < Math.Min(size, y + h); row++)
            {
                for (var column = x; column < Math.Min(size, x + w); column++)
                {
                    for (var c = 0; c < 3; c++) planes[(c * size + row) * size + column] = colour[c];
                }
            }
        }
        return new RgbImage(size, size, planes);
    }

    public void Dispose()
    {
        try
        {
            Directory.Delete(Root, recursive: true);
        }
        catch (IOException)
        {
            // A temp folder left behind is harmless.
        }
    }
}
