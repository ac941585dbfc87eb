using System.ComponentModel.DataAnnotations;

namespace Portal.Core.Jobs;

/// <summary>Configuration section <c>Engine</c>: where the networks run.</summary>
public sealed class EngineSettings
{
    public const string SectionName = "Engine";

    /// <summary>Try CUDA first; without a usable GPU the engine falls back to the CPU and logs why once.</summary>
    public bool UseGpu { get; set; } = true;

    [Range(0, 64)]
    public int GpuDeviceId { get; set; }

    /// <summary>On the CPU: Int8 runs a model's calibrated int8 variant when it has one (about 2x faster), Float32 never does.</summary>
    public Portal.Engine.Inference.ModelPrecision CpuPrecision { get; set; } = Portal.Engine.Inference.ModelPrecision.Int8;

    /// <summary>Threads ONNX Runtime uses on the CPU; 0 means one per core.</summary>
    [Range(0, 1024)]
    public int CpuThreads { get; set; }

    /// <summary>"Protect faces": size threshold, detector input, margin and feather (validated at start-up).</summary>
    public Portal.Engine.Faces.FaceProtectionOptions Faces { get; set; } = new();

    /// <summary>Where models that are not committed are converted on first use; empty means <c>model-cache/</c> in the data folder.</summary>
    public string? ModelCachePath { get; set; }
}
