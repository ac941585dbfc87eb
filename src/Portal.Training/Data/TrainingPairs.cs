using Portal.Models.Degradation;
using Portal.Models.Evaluation;
using static TorchSharp.torch;

namespace Portal.Training.Data;

/// <summary>
/// Cuts (low-resolution, high-resolution) crop pairs from a domain's training images. Each
/// batch is a pure function of (recipe seed, step): a resumed run sees exactly the batches the
/// uninterrupted one would have, with no sampler state to save. Degradations come from the one
/// shared implementation (Portal.Models.Degradation).
/// </summary>
public sealed class TrainingPairs
{
    private static readonly DegradationStrength[] TrackStrengths = [DegradationStrength.Light, DegradationStrength.Medium, DegradationStrength.Heavy];

    private readonly IReadOnlyList<RgbImage> images;
    private readonly DataRecipe recipe;
    private readonly int scale;
    private readonly ulong seed;

    public TrainingPairs(IReadOnlyList<RgbImage> images, DataRecipe recipe, int scale, ulong seed)
    {
        if (images.Count == 0)
        {
            throw new TrainingException($"The '{recipe.Domain}' training set holds no images.");
        }
        var small = images.FirstOrDefault(i => i.Width < recipe.CropSize || i.Height < recipe.CropSize);
        if (small is not null)
        {
            throw new TrainingException($"A {small.Width}x{small.Height} training image is smaller than the {recipe.CropSize} px crop.");
        }
        (this.images, this.recipe, this.scale, this.seed) = (images, recipe, scale, seed);
    }

    /// <summary>Loads every PNG/JPEG of data/DOMAIN/train, refusing a missing or empty data set with the command that builds it.</summary>
    public static IReadOnlyList<RgbImage> LoadSet(string dataRoot, string domain, string split)
    {
        var folder = Path.Combine(dataRoot, domain, split);
        var files = Directory.Exists(folder)
            ? Directory.EnumerateFiles(folder).Where(f => f.EndsWith(".png", StringComparison.OrdinalIgnoreCase) || f.EndsWith(".jpg", StringComparison.OrdinalIgnoreCase)).Order(StringComparer.Ordinal).ToList()
            : [];
        if (files.Count == 0)
        {
            throw new TrainingException(
                $"The data set '{domain}' is missing: {folder} holds no images. Build it with `portal data build {domain}`.");
        }
        return files.Select(RgbImage.Load).ToList();
    }

    /// <summary>The batch of one step: low-resolution [N,3,c/s,c/s] and high-resolution [N,3,c,c] tensors.</summary>
    public (Tensor Low, Tensor High) Batch(int step, int batchSize)
    {
        var crop = recipe.CropSize;
        var low = new float[batchSize * 3 * (crop / scale) * (crop / scale)];
        var high = new float[batchSize * 3 * crop * crop];
        for (var b = 0; b < batchSize; b++)
        {
            var (lr, hr) = Pair(step, b);
            Array.Copy(hr.Planes, 0, high, b * hr.Planes.Length, hr.Planes.Length);
            Array.Copy(lr.Planes, 0, low, b * lr.Planes.Length, lr.Planes.Length);
        }
        return (tensor(low).reshape(batchSize, 3, crop / scale, crop / scale), tensor(high).reshape(batchSize, 3, crop, crop));
    }

    public (RgbImage Low, RgbImage High) Pair(int step, int index)
    {
        var pairSeed = SeededRandom.SeedFrom($"{seed}/{step}/{index}");
        var random = new SeededRandom(pairSeed);
        var image = images[random.NextInt(0, images.Count - 1)];
        var crop = recipe.CropSize;
        var x = random.NextInt(0, image.Width - crop);
        var y = random.NextInt(0, image.Height - crop);
        var high = Crop(image, x, y, crop, crop);
        if (random.NextDouble() < 0.5)
        {
            high = FlipHorizontally(high);
        }
        RgbImage low;
        if (random.NextDouble() < recipe.CleanFraction)
        {
            low = Resampler.Resize(high, crop / scale, crop / scale, Resampler.Kernel.Bicubic).Quantized();
        }
        else if (recipe.Degradation == DegradationKind.Jpeg)
        {
            var quality = (int)Math.Round(random.Uniform(recipe.JpegQuality[0], recipe.JpegQuality[1]));
            var mode = random.NextDouble() < 0.5 ? ResizeMode.Area : ResizeMode.Bicubic;
            var plan = new DegradationPlan(new DegradationStage(null, null, null, null), null, new FinalStep(mode, null, quality));
            low = Degrader.Degrade(high, plan, scale, pairSeed);
        }
        else if (recipe.Degradation == DegradationKind.Tracks)
        {
            var strength = recipe.TrackShares is { } shares ? TrackStrengths[Weighted(shares, random.NextDouble())] : TrackStrengths[random.NextInt(0, TrackStrengths.Length - 1)];
            low = Degrader.Degrade(high, DegradationPresets.For(strength, scale), scale, pairSeed);
        }
        else
        {
            low = Degrader.Degrade(high, recipe.RealWorld ?? new DegradationSettings(), scale, pairSeed);
        }
        return (low, high);
    }

    /// <summary>The index whose share holds <paramref name="draw"/> (uniform in [0, 1)) once the shares are scaled to sum to one.</summary>
    private static int Weighted(double[] shares, double draw)
    {
        var target = draw * shares.Sum();
        for (var i = 0; i < shares.Length - 1; i++)
        {
            target -= shares[i];
            if (target < 0) return i;
        }
        return shares.Length - 1;
    }

    public static RgbImage Crop(RgbImage image, int x, int y, int width, int height)
    {
        var planes = new float[3 * width * height];
        for (var c = 0; c < 3; c++)
        {
            for (var row = 0; row < height; row++)
            {
                Array.Copy(image.Planes, c * image.Width * image.Height + (y + row) * image.Width + x, planes, (c * height + row) * width, width);
            }
        }
        return new RgbImage(width, height, planes);
    }

    private static RgbImage FlipHorizontally(RgbImage image)
    {
        var planes = new float[image.Planes.Length];
        for (var c = 0; c < 3; c++)
        {
            for (var row = 0; row < image.Height; row++)
            {
                var start = (c * image.Height + row) * image.Width;
                for (var column = 0; column < image.Width; column++)
                {
                    planes[start + column] = image.Planes[start + image.Width - 1 - column];
                }
            }
        }
        return new RgbImage(image.Width, image.Height, planes);
    }
}
