namespace Portal.Core.Jobs;

/// <summary>What a finished job produced, as the queue records it.</summary>
public sealed record JobOutput(string ResultKey, string ThumbnailKey, int Width, int Height, long Bytes, long RunMilliseconds, int Tiles)
{
    /// <summary>Faces redrawn by "Protect faces"; null when it did not run.</summary>
    public int? FacesProtected { get; init; }

    /// <summary>Why "Protect faces" did not run although it was on; null otherwise.</summary>
    public string? FaceProtectionNote { get; init; }

    /// <summary>Where the network ran ("Cpu", "Cuda"); null when unknown.</summary>
    public string? Device { get; init; }
}
