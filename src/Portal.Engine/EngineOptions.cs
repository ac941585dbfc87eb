using Portal.Engine.Imaging;

namespace Portal.Engine;

/// <summary>Engine settings; the host binds them from configuration (section "Engine").</summary>
public sealed record EngineOptions
{
    /// <summary>Folder with manifest.json and the .onnx files.</summary>
    public string ModelsDirectory { get; init; } = "models";

    /// <summary>Where models that are not committed are fetched and converted to on first use.</summary>
    public string ModelCacheDirectory { get; init; } = Path.Combine(Path.GetTempPath(), "upscale-portal-cache");

    /// <summary>Try the CUDA execution provider first; fall back to the CPU when it cannot start.</summary>
    public bool UseGpu { get; init; } = true;

    /// <summary>CUDA device ordinal.</summary>
    public int GpuDeviceId { get; init; }

    /// <summary>Input tile side on the CPU. Measured: 128-192 keeps activations in cache; see docs/BENCHMARKS.md.</summary>
    public int CpuTileSize { get; init; } = 192;

    /// <summary>
    /// On the CPU the first tile is cut into this many x this many smaller tiles, so the first
    /// progress report comes after about a third of a full tile's work (2: a 480 px int8 Ultra
    /// window takes about 8 s on two cores). 1 turns it off. GPUs are fast enough without it.
    /// </summary>
    public int CpuFirstTileSplit { get; init; } = 2;

    /// <summary>Input tile side on a GPU: bigger tiles amortise launch overhead.</summary>
    public int GpuTileSize { get; init; } = 512;

    /// <summary>
    /// On the CPU, run a model's int8 variant when it has one (integer multiply-adds, about 2x the
    /// float32 rate; output within 40+ dB PSNR of float32, see docs/BENCHMARKS.md). GPUs always run float32.
    /// </summary>
    public Inference.ModelPrecision CpuPrecision { get; init; } = Inference.ModelPrecision.Int8;

    /// <summary>ONNX Runtime intra-op threads on the CPU; 0 means one per core.</summary>
    public int CpuThreads { get; init; }

    /// <summary>Caps checked before decoding.</summary>
    public ImageLimits Limits { get; init; } = ImageLimits.Default;

    /// <summary>Default JPEG/WebP quality when a request does not set one.</summary>
    public int DefaultQuality { get; init; } = 92;

    /// <summary>Which model serves each combination; the product's lineup unless a test places its own.</summary>
    public Portal.Models.Lineup.LineupRules Lineup { get; init; } = Portal.Models.Lineup.LineupRules.Current;

    /// <summary>How "Protect faces" finds faces and blends their faithful redraw into a GAN result.</summary>
    public Faces.FaceProtectionOptions Faces { get; init; } = new();

    /// <summary>Folder for the raw intermediate result; null puts it next to the output file.</summary>
    public string? ScratchDirectory { get; init; }
}
