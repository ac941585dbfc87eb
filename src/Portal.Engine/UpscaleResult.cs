using Portal.Engine.Imaging;
using Portal.Engine.Inference;

namespace Portal.Engine;

/// <summary>What was written.</summary>
public sealed record UpscaleResult(
    string OutputPath,
    int Width,
    int Height,
    OutputFormat Format,
    string ModelId,
    int ModelScale,
    int RequestedScale,
    ExecutionDevice Device,
    int Tiles,
    int TileSize,
    int Overlap,
    TimeSpan Elapsed)
{
    public bool Resampled => ModelScale != RequestedScale;

    /// <summary>Which copy of the model ran: the int8 variant (CPU) or float32.</summary>
    public ModelPrecision Precision { get; init; } = ModelPrecision.Float32;

    /// <summary>What "Protect faces" did; null where it does not apply (not a GAN-trained network on a photo).</summary>
    public Faces.FaceProtectionReport? Faces { get; init; }
}
