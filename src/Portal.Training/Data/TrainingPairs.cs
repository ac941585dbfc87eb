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

    // With data.emphasis: the indices of the favoured images and of the others (both in file-name order).
    private readonly int[] favoured = [];
    private readonly int[] others = [];

    // With data.mix: the second domain's images.
    private readonly IReadOnlyList<RgbImage> mixed = [];

    /// <param name="names">The images' file names, needed when the recipe sets data.emphasis (matched by prefix).</param>
    /// <param name="mixImages">The data.mix domain's training images, needed when the recipe sets data.mix.</param>
    public TrainingPairs(IReadOnlyList<RgbImage> images, DataRecipe recipe, int scale, ulong seed, IReadOnlyList<string>? names = null,
        IReadOnlyList<RgbImage>? mixImages = null)
    {
        if (images.Count == 0)
        {
            throw new TrainingException($"The '{recipe.Domain}' training set holds no images.");
        }
        if (recipe.Mix is { } mix)
        {
            if (mixImages is null || mixImages.Count == 0)
            {
                throw new TrainingException($"data.mix needs the '{mix.Domain}' training images; none were given.");
            }
            mixed = mixImages;
        }
        var small = images.Concat(mixed).FirstOrDefault(i => i.Width < recipe.CropSize || i.Height < recipe.CropSize);
        if (small is not null)
        {
            throw new TrainingException($"A {small.Width}x{small.Height} training image is smaller than the {recipe.CropSize} px crop.");
        }
        (this.images, this.recipe, this.scale, this.seed) = (images, recipe, scale, seed);
        if (recipe.Emphasis is { } emphasis)
        {
            if (names is null || names.Count != images.Count)
            {
                throw new TrainingException("data.emphasis needs the training images' file names to match its prefix against.");
            }
            favoured = [.. Enumerable.Range(0, names.Count).Where(i => names[i].StartsWith(emphasis.Prefix, StringComparison.Ordinal))];
            others = [.. Enumerable.Range(0, names.Count).Except(favoured)];
            if (favoured.Length == 0)
            {
                throw new TrainingException(
                    $"data.emphasis.prefix '{emphasis.Prefix}' matches none of the {names.Count} images of data/{recipe.Domain}/train; name a file-name prefix that some of them start with.");
            }
            if (others.Length == 0 && emphasis.Share < 1)
            {
                throw new TrainingException(
                    $"data.emphasis.prefix '{emphasis.Prefix}' matches every image of data/{recipe.Domain}/train, so a share of {emphasis.Share} has no other images to draw the rest from.");
            }
        }
    }

    /// <summary>The pairs of a recipe's training set, data/DOMAIN/train (file names kept for data.emphasis).</summary>
    public static TrainingPairs ForRecipe(string dataRoot, TrainingRecipe recipe)
    {
        var files = SetFiles(dataRoot, recipe.Data.Domain, "train");
        var mixImages = recipe.Data.Mix is { } mix ? LoadSet(dataRoot, mix.Domain, "train") : null;
        return new TrainingPairs(files.Select(RgbImage.Load).ToList(), recipe.Data, recipe.Architecture.Scale, recipe.Seed,
            files.Select(f => Path.GetFileName(f)).ToList(), mixImages);
    }

    /// <summary>Loads every PNG/JPEG of data/DOMAIN/train, refusing a missing or empty data set with the command that builds it.</summary>
    public static IReadOnlyList<RgbImage> LoadSet(string dataRoot, string domain, string split) =>
        SetFiles(dataRoot, domain, split).Select(RgbImage.Load).ToList();

    /// <summary>The PNG/JPEG files of data/DOMAIN/SPLIT in ordinal order, refusing a missing or empty data set with the command that builds it.</summary>
    public static IReadOnlyList<string> SetFiles(string dataRoot, string domain, string split)
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
        return files;
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

    /// <summary>Which pairs of a step's batch come from the data.mix domain (all false without data.mix).</summary>
    public bool[] MixedPairs(int step, int batchSize) =>
        [.. Enumerable.Range(0, batchSize).Select(index => recipe.Mix is { } mix && new SeededRandom(PairSeed(step, index)).NextDouble() < mix.Share)];

    private ulong PairSeed(int step, int index) => SeededRandom.SeedFrom($"{seed}/{step}/{index}");

    public (RgbImage Low, RgbImage High) Pair(int step, int index)
    {
        var pairSeed = PairSeed(step, index);
        var random = new SeededRandom(pairSeed);
        // data.mix draws first (only when set, so recipes without it keep their pairs): MixedPairs repeats this draw.
        var isMixed = recipe.Mix is { } mix && random.NextDouble() < mix.Share;
        var image = isMixed ? mixed[random.NextInt(0, mixed.Count - 1)] : images[PickImage(random)];
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
            var trackShares = isMixed && recipe.Mix!.TrackShares is { } mixShares ? mixShares : recipe.TrackShares;
            var strength = trackShares is { } shares ? TrackStrengths[Weighted(shares, random.NextDouble())] : TrackStrengths[random.NextInt(0, TrackStrengths.Length - 1)];
            low = Degrader.Degrade(high, DegradationPresets.For(strength, scale), scale, pairSeed);
        }
        else
        {
            low = Degrader.Degrade(high, recipe.RealWorld ?? new DegradationSettings(), scale, pairSeed);
        }
        return (low, high);
    }

    /// <summary>Uniform over the images; with data.emphasis, first its share decides between the favoured images and the others.</summary>
    private int PickImage(SeededRandom random)
    {
        if (recipe.Emphasis is not { } emphasis)
        {
            return random.NextInt(0, images.Count - 1);
        }
        var pool = random.NextDouble() < emphasis.Share ? favoured : others;
        return pool[random.NextInt(0, pool.Length - 1)];
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
