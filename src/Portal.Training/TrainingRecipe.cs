using System.Text.Json;
using System.Text.Json.Serialization;

namespace Portal.Training;

/// <summary>
/// Everything a run depends on, read from a small JSON file under models/recipes/: a run is
/// reproducible from its recipe, its data manifest and its seed. Unknown keys are refused, so a
/// misspelt option never silently falls back to a default.
/// </summary>
public sealed record TrainingRecipe
{
    /// <summary>Names the run folder (runs/NAME) and the exported model (NAME.onnx).</summary>
    public required string Name { get; init; }

    public ulong Seed { get; init; } = 1;

    public required ArchitectureRecipe Architecture { get; init; }

    /// <summary>An ONNX file (relative to the repository root) whose weights start the run; null trains from scratch.</summary>
    public string? InitFrom { get; init; }

    /// <summary>
    /// The scale of the <see cref="InitFrom"/> model when it differs from the architecture's (SRVGG-compact only): the
    /// run starts from that model followed by an area shrink to the architecture's scale (<see cref="Architectures.SrvggCompact.AreaShrunk"/>).
    /// </summary>
    public int? InitFromScale { get; init; }

    public required DataRecipe Data { get; init; }

    public LossRecipe Losses { get; init; } = new();

    public OptimizerRecipe Optimizer { get; init; } = new();

    public int Steps { get; init; } = 1000;

    public int BatchSize { get; init; } = 8;

    /// <summary>Decay of the exponential moving average of the generator's weights; 0 turns EMA off.</summary>
    public double EmaDecay { get; init; } = 0.999;

    public int CheckpointEvery { get; init; } = 100;

    public int PreviewEvery { get; init; } = 500;

    /// <summary>Quantization-aware distillation instead of training on the data's targets (see <see cref="Quantization.QuantizationRecipe"/>).</summary>
    public Quantization.QuantizationRecipe? Quantization { get; init; }

    public static JsonSerializerOptions JsonOptions { get; } = new(JsonSerializerDefaults.Web)
    {
        UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,
        WriteIndented = true,
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.KebabCaseLower) },
    };

    /// <summary>Reads and checks a recipe; every problem is a sentence naming the file and the key.</summary>
    public static TrainingRecipe Load(string path)
    {
        var label = Path.GetFileName(path);
        if (!File.Exists(path))
        {
            throw new TrainingException($"Recipe {path} does not exist.");
        }
        TrainingRecipe? recipe;
        try
        {
            recipe = JsonSerializer.Deserialize<TrainingRecipe>(File.ReadAllText(path), JsonOptions);
        }
        catch (JsonException error)
        {
            throw new TrainingException($"Recipe {label} is not valid: {Describe(error)}", error);
        }
        if (recipe is null)
        {
            throw new TrainingException($"Recipe {label} is empty.");
        }
        var problems = recipe.Problems();
        if (problems.Count > 0)
        {
            throw new TrainingException($"Recipe {label} is not valid: {string.Join(" ", problems)}");
        }
        return recipe;
    }

    private static string Describe(JsonException error)
    {
        // System.Text.Json names the unmapped key in its message ("The JSON property 'x' could not be mapped ...").
        var message = error.Message;
        var quoted = System.Text.RegularExpressions.Regex.Match(message, "property '([^']+)' could not be mapped");
        if (quoted.Success)
        {
            var where = error.Path is { Length: > 1 } path ? $" (at {path})" : "";
            return $"unknown key '{quoted.Groups[1].Value}'{where}. Known keys are listed in docs/TRAINING.md.";
        }
        var enumType = System.Text.RegularExpressions.Regex.Match(message, "could not be converted to ([\\w.]+)\\.");
        if (enumType.Success && typeof(TrainingRecipe).Assembly.GetType(enumType.Groups[1].Value) is { IsEnum: true } type)
        {
            var names = Enum.GetNames(type).Select(n => JsonNamingPolicy.KebabCaseLower.ConvertName(n));
            var key = error.Path is { Length: > 2 } at ? at[2..] : type.Name;
            return $"{key} must be one of {string.Join(", ", names)}.";
        }
        var required = System.Text.RegularExpressions.Regex.Match(message, "missing required properties including: (.+)\\.?");
        return required.Success ? $"required key {required.Groups[1].Value.TrimEnd('.')} is missing." : message;
    }

    public IReadOnlyList<string> Problems()
    {
        var problems = new List<string>();
        if (string.IsNullOrWhiteSpace(Name) || Name.IndexOfAny(Path.GetInvalidFileNameChars()) >= 0 || Name.Contains('/'))
        {
            problems.Add($"name '{Name}' must be a plain file name.");
        }
        problems.AddRange(Architecture.Problems());
        if (InitFromScale is { } fromScale && fromScale != Architecture.Scale)
        {
            if (InitFrom is null) problems.Add("initFromScale needs initFrom (the model to shrink).");
            if (Architecture.Type != ArchitectureKind.SrvggCompact) problems.Add("initFromScale works only for srvgg-compact.");
            if (fromScale is < 1 or > 8 || fromScale % Architecture.Scale != 0)
            {
                problems.Add($"initFromScale must be a multiple of architecture.scale {Architecture.Scale} up to 8; it is {fromScale}.");
            }
        }
        problems.AddRange(Data.Problems(Architecture.Scale));
        problems.AddRange(Losses.Problems());
        if ((Losses.Anchor > 0 || Losses.StartWeights > 0) && InitFrom is null)
        {
            problems.Add("losses.anchor and losses.startWeights need initFrom (the start to stay close to).");
        }
        if (Data.Mix is { Target: MixTarget.Start } && InitFrom is null)
        {
            problems.Add("data.mix.target \"start\" needs initFrom (the start whose output the mixed-in crops are trained towards).");
        }
        if (Losses.Face > 0 && Data.FaceBatch < 1)
        {
            problems.Add("losses.face needs data.faceBatch of at least 1 (face crops per step).");
        }
        if (Quantization is not null && Data.Mix is { Target: MixTarget.Start })
        {
            problems.Add("data.mix.target \"start\" does not apply to quantization-aware runs.");
        }
        if (Quantization is not null && (Losses.Face > 0 || Data.FaceBatch > 0))
        {
            problems.Add("losses.face and data.faceBatch do not apply to quantization-aware runs.");
        }
        problems.AddRange(Optimizer.Problems());
        if (Steps < 1) problems.Add($"steps must be at least 1; it is {Steps}.");
        if (BatchSize < 1) problems.Add($"batchSize must be at least 1; it is {BatchSize}.");
        if (EmaDecay is < 0 or >= 1) problems.Add($"emaDecay must be in [0, 1); it is {EmaDecay}.");
        if (CheckpointEvery < 1) problems.Add($"checkpointEvery must be at least 1; it is {CheckpointEvery}.");
        if (PreviewEvery < 1) problems.Add($"previewEvery must be at least 1; it is {PreviewEvery}.");
        problems.AddRange(Quantization?.Problems(InitFrom, Architecture.Type) ?? []);
        return problems;
    }
}

public enum ArchitectureKind
{
    SrvggCompact,
    RrdbNet,
}

public sealed record ArchitectureRecipe
{
    public required ArchitectureKind Type { get; init; }

    public int Scale { get; init; } = 4;

    public int Features { get; init; } = 64;

    /// <summary>SRVGG-compact: body convolutions (16 in realesr-animevideov3, 32 in realesrgan-x4fast).</summary>
    public int Convolutions { get; init; } = 16;

    /// <summary>RRDBNet: residual-in-residual blocks (23 in realesrgan-x4plus).</summary>
    public int Blocks { get; init; } = 23;

    /// <summary>RRDBNet: growth channels of each dense block.</summary>
    public int Growth { get; init; } = 32;

    public IEnumerable<string> Problems()
    {
        if (Type == ArchitectureKind.SrvggCompact && Scale is < 1 or > 8) yield return $"architecture.scale must be 1..8 for srvgg-compact; it is {Scale}.";
        if (Type == ArchitectureKind.RrdbNet && Scale is not (1 or 2 or 4)) yield return $"architecture.scale must be 1, 2 or 4 for rrdb-net; it is {Scale}.";
        if (Features is < 1 or > 512) yield return $"architecture.features must be 1..512; it is {Features}.";
        if (Convolutions is < 0 or > 128) yield return $"architecture.convolutions must be 0..128; it is {Convolutions}.";
        if (Blocks is < 1 or > 64) yield return $"architecture.blocks must be 1..64; it is {Blocks}.";
        if (Growth is < 1 or > 256) yield return $"architecture.growth must be 1..256; it is {Growth}.";
    }

    public Architectures.SuperResolutionNetwork Create() => Type switch
    {
        ArchitectureKind.SrvggCompact => new Architectures.SrvggCompact(Features, Convolutions, Scale),
        _ => new Architectures.RrdbNet(Features, Blocks, Growth, Scale),
    };
}

public sealed record DataRecipe
{
    /// <summary>The data set under the data folder (data/DOMAIN/train, built by `portal data build DOMAIN`).</summary>
    public required string Domain { get; init; }

    /// <summary>Side of the high-resolution crop; must divide by the scale.</summary>
    public int CropSize { get; init; } = 128;

    /// <summary>Chance that a pair is a clean antialiased shrink; otherwise <see cref="Degradation"/> applies.</summary>
    public double CleanFraction { get; init; } = 0.5;

    /// <summary>
    /// "jpeg": an area or bicubic shrink then JPEG at a quality drawn from <see cref="JpegQuality"/> (screens);
    /// "real-world": the shared second-order pipeline with <see cref="RealWorld"/> settings (photographs);
    /// "tracks": one of the real-world evaluation track's fixed plans (light, medium, heavy, drawn evenly) with a fresh noise seed.
    /// </summary>
    public DegradationKind Degradation { get; init; } = DegradationKind.Jpeg;

    public double[] JpegQuality { get; init; } = [30, 95];

    /// <summary>With "tracks": relative shares of the light, medium and heavy plans, e.g. [1, 1, 2]; unset draws them evenly.</summary>
    public double[]? TrackShares { get; init; }

    public Portal.Models.Degradation.DegradationSettings? RealWorld { get; init; }

    /// <summary>Draws a fixed share of the crops from the training images whose file names start with a prefix (e.g. the painted portraits).</summary>
    public EmphasisRecipe? Emphasis { get; init; }

    /// <summary>Face crops (data/DOMAIN/faces/, `portal data faces DOMAIN`) per step, degraded like the other pairs, for <see cref="LossRecipe.Face"/>.</summary>
    public int FaceBatch { get; init; }

    /// <summary>Draws a share of the crops from a second domain's training set (e.g. photographs beside art), degraded the same way.</summary>
    public MixRecipe? Mix { get; init; }

    public IEnumerable<string> Problems(int scale)
    {
        if (string.IsNullOrWhiteSpace(Domain) || Domain.IndexOfAny(Path.GetInvalidFileNameChars()) >= 0) yield return $"data.domain '{Domain}' must be a plain name.";
        if (CropSize < 8 || CropSize % scale != 0) yield return $"data.cropSize must be at least 8 and divide by the scale {scale}; it is {CropSize}.";
        if (CleanFraction is < 0 or > 1) yield return $"data.cleanFraction must be between 0 and 1; it is {CleanFraction}.";
        if (JpegQuality.Length != 2 || JpegQuality[0] < 1 || JpegQuality[1] > 100 || JpegQuality[0] > JpegQuality[1])
        {
            yield return $"data.jpegQuality must be [min, max] within [1, 100]; it is [{string.Join(", ", JpegQuality)}].";
        }
        if (TrackSharesProblem("data.trackShares", TrackShares) is { } sharesProblem) yield return sharesProblem;
        if (FaceBatch is < 0 or > 64) yield return $"data.faceBatch must be 0..64; it is {FaceBatch}.";
        if (TrackShares is not null && Degradation != DegradationKind.Tracks)
        {
            yield return "data.trackShares only applies to the \"tracks\" degradation.";
        }
        if (RealWorld is not null)
        {
            foreach (var problem in RealWorld.Problems()) yield return "data.realWorld." + problem;
        }
        if (Emphasis is not null)
        {
            foreach (var problem in Emphasis.Problems()) yield return problem;
        }
        if (Mix is not null)
        {
            foreach (var problem in Mix.Problems(Domain, Degradation)) yield return problem;
        }
    }

    /// <summary>The sentence for light/medium/heavy shares that are not three non-negative numbers with a positive sum; null when they are (or unset).</summary>
    internal static string? TrackSharesProblem(string key, double[]? shares) =>
        shares is not null && (shares.Length != 3 || shares.Any(v => v < 0 || !double.IsFinite(v)) || shares.Sum() <= 0)
            ? $"{key} must be three non-negative shares [light, medium, heavy] with a positive sum; it is [{string.Join(", ", shares)}]."
            : null;
}

/// <summary>
/// A second domain in the crops: each pair comes from data/<see cref="Domain"/>/train with probability <see cref="Share"/>
/// (uniformly over its images), otherwise from the recipe's own domain as before.
/// </summary>
public sealed record MixRecipe
{
    public required string Domain { get; init; }

    public double Share { get; init; } = 0.25;

    /// <summary>What the mixed-in crops are trained towards.</summary>
    public MixTarget Target { get; init; } = MixTarget.Original;

    /// <summary>With the "tracks" degradation: the mixed-in crops' own light, medium and heavy shares (unset: the recipe's).</summary>
    public double[]? TrackShares { get; init; }

    public IEnumerable<string> Problems(string ownDomain, DegradationKind degradation)
    {
        if (DataRecipe.TrackSharesProblem("data.mix.trackShares", TrackShares) is { } sharesProblem) yield return sharesProblem;
        if (TrackShares is not null && degradation != DegradationKind.Tracks)
        {
            yield return "data.mix.trackShares only applies to the \"tracks\" degradation.";
        }
        if (string.IsNullOrWhiteSpace(Domain) || Domain.IndexOfAny(Path.GetInvalidFileNameChars()) >= 0) yield return $"data.mix.domain '{Domain}' must be a plain name.";
        else if (Domain == ownDomain) yield return $"data.mix.domain '{Domain}' is the recipe's own domain; name a second one.";
        if (Share is <= 0 or >= 1 || !double.IsFinite(Share)) yield return $"data.mix.share must be in (0, 1); it is {Share}.";
    }
}

public enum MixTarget
{
    /// <summary>The original high-resolution crop, like the recipe's own pairs.</summary>
    Original,

    /// <summary>
    /// The starting network's output on the same degraded input (distillation): the fine-tune learns its own domain and
    /// keeps the start's behaviour on the other, e.g. an art model that must not change how it treats photographs.
    /// </summary>
    Start,
}

/// <summary>
/// A subset of the training images weighted up: each crop comes from an image whose file name starts with
/// <see cref="Prefix"/> with probability <see cref="Share"/>, otherwise from the others (uniformly within each group).
/// </summary>
public sealed record EmphasisRecipe
{
    /// <summary>File-name prefix in data/DOMAIN/train, e.g. "wesnoth-" for the art set's game portraits.</summary>
    public required string Prefix { get; init; }

    public double Share { get; init; } = 0.5;

    public IEnumerable<string> Problems()
    {
        if (string.IsNullOrWhiteSpace(Prefix) || Prefix.IndexOfAny(['/', '\\']) >= 0) yield return $"data.emphasis.prefix '{Prefix}' must be a non-empty file-name prefix.";
        if (Share is <= 0 or > 1 || !double.IsFinite(Share)) yield return $"data.emphasis.share must be in (0, 1]; it is {Share}.";
    }
}

public enum DegradationKind
{
    Jpeg,
    RealWorld,

    /// <summary>The light, medium and heavy plans of <see cref="Portal.Models.Degradation.DegradationPresets"/>, drawn evenly per pair.</summary>
    Tracks,
}

public sealed record LossRecipe
{
    public double L1 { get; init; } = 1.0;

    /// <summary>Weight of the mean squared error: what PSNR measures, for a last stage that polishes PSNR after L1 has shaped the edges.</summary>
    public double Mse { get; init; }

    /// <summary>Weight of the L1 distance between the images' 2-D Fourier spectra (sharp edges, no ringing).</summary>
    public double Fft { get; init; }

    /// <summary>Weight of the feature (perceptual) loss on the deep-feature metric's MobileNetV2 trunk (<see cref="Losses.FeatureLoss"/>).</summary>
    public double Feature { get; init; }

    /// <summary>Weight of the adversarial loss (U-Net discriminator with spectral normalisation); 0 trains without one.</summary>
    public double Gan { get; init; }

    /// <summary>Weight of the L1 distance to the frozen start's output on the same input (<see cref="Losses.StartAnchor"/>); needs initFrom.</summary>
    public double Anchor { get; init; }

    /// <summary>Weight of the summed squared distance of the weights to the start's (L2-SP, <see cref="Losses.StartAnchor"/>); needs initFrom.</summary>
    public double StartWeights { get; init; }

    /// <summary>Weight of the face identity distance (<see cref="Losses.FaceIdentityLoss"/>) on data.faceBatch face crops per step.</summary>
    public double Face { get; init; }

    public int DiscriminatorFeatures { get; init; } = 32;

    public double DiscriminatorLearningRate { get; init; } = 1e-4;

    public IEnumerable<string> Problems()
    {
        if (L1 < 0) yield return $"losses.l1 must not be negative; it is {L1}.";
        if (Mse < 0) yield return $"losses.mse must not be negative; it is {Mse}.";
        if (Fft < 0) yield return $"losses.fft must not be negative; it is {Fft}.";
        if (Gan < 0) yield return $"losses.gan must not be negative; it is {Gan}.";
        if (Feature < 0) yield return $"losses.feature must not be negative; it is {Feature}.";
        if (Anchor < 0) yield return $"losses.anchor must not be negative; it is {Anchor}.";
        if (StartWeights < 0) yield return $"losses.startWeights must not be negative; it is {StartWeights}.";
        if (Face < 0) yield return $"losses.face must not be negative; it is {Face}.";
        if (L1 + Mse + Fft + Gan + Feature + Anchor <= 0) yield return "losses: at least one weight must be positive.";
        if (DiscriminatorFeatures is < 4 or > 256) yield return $"losses.discriminatorFeatures must be 4..256; it is {DiscriminatorFeatures}.";
    }
}

public sealed record OptimizerRecipe
{
    public double LearningRate { get; init; } = 5e-4;

    public double WeightDecay { get; init; }

    public double Beta1 { get; init; } = 0.9;

    public double Beta2 { get; init; } = 0.99;

    public int WarmupSteps { get; init; } = 50;

    /// <summary>Cosine decay from the learning rate down to this fraction of it at the last step.</summary>
    public double FinalFraction { get; init; } = 0.05;

    public IEnumerable<string> Problems()
    {
        if (LearningRate is <= 0 or > 1) yield return $"optimizer.learningRate must be in (0, 1]; it is {LearningRate}.";
        if (WeightDecay < 0) yield return $"optimizer.weightDecay must not be negative; it is {WeightDecay}.";
        if (Beta1 is < 0 or >= 1 || Beta2 is < 0 or >= 1) yield return "optimizer.beta1 and beta2 must be in [0, 1).";
        if (WarmupSteps < 0) yield return $"optimizer.warmupSteps must not be negative; it is {WarmupSteps}.";
        if (FinalFraction is < 0 or > 1) yield return $"optimizer.finalFraction must be between 0 and 1; it is {FinalFraction}.";
    }

    /// <summary>Linear warm-up, then cosine decay: a pure function of the step, so a resumed run follows the same curve.</summary>
    public double LearningRateAt(int step, int totalSteps)
    {
        if (step < WarmupSteps)
        {
            return LearningRate * (step + 1) / (WarmupSteps + 1);
        }
        var progress = totalSteps <= WarmupSteps ? 1.0 : (double)(step - WarmupSteps) / (totalSteps - WarmupSteps);
        var cosine = 0.5 * (1 + Math.Cos(Math.PI * Math.Min(progress, 1.0)));
        return LearningRate * (FinalFraction + (1 - FinalFraction) * cosine);
    }
}
