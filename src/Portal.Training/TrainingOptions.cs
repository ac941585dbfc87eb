namespace Portal.Training;

/// <summary>How one invocation runs a recipe: where things are, the device, and the CLI's overrides.</summary>
public sealed record TrainingOptions
{
    /// <summary>Root that a recipe's initFrom path is relative to (the repository).</summary>
    public required string RepositoryRoot { get; init; }

    public required string DataRoot { get; init; }

    public required string RunsRoot { get; init; }

    public string Device { get; init; } = "cpu";

    /// <summary>Train to this step instead of the recipe's (the learning-rate schedule still spans the recipe's steps).</summary>
    public int? StopAtStep { get; init; }

    public bool Resume { get; init; }

    /// <summary>libtorch's intra-op threads; null keeps its default (one per core). One thread wastes no time spinning on a busy shared machine.</summary>
    public int? Threads { get; init; }

    /// <summary>
    /// One sample per forward/backward with gradients accumulated, even where oneDNN could be turned off: the
    /// workaround for libtorch builds whose oneDNN switch is missing, and the baseline the batched path is timed against.
    /// </summary>
    public bool PerSampleBackward { get; init; }

    /// <summary>Write the preview crops and the loss curve (tests turn this off to stay fast).</summary>
    public bool WritePictures { get; init; } = true;
}
