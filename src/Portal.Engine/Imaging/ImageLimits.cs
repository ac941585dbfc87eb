namespace Portal.Engine.Imaging;

/// <summary>Caps checked from the header before any pixel is decoded.</summary>
public sealed record ImageLimits
{
    /// <summary>Largest accepted input, in megapixels (width x height / 1,000,000).</summary>
    public double MaxMegapixels { get; init; } = 40;

    /// <summary>Largest accepted input file.</summary>
    public long MaxBytes { get; init; } = 100L * 1024 * 1024;

    /// <summary>Largest result the engine will write, in megapixels.</summary>
    public double MaxOutputMegapixels { get; init; } = 1100;

    public static ImageLimits Default { get; } = new();
}
