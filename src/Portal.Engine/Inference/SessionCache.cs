using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;
using Microsoft.ML.OnnxRuntime;

namespace Portal.Engine.Inference;

/// <summary>
/// One ONNX Runtime session per (model file, device), created on first use and kept for the life
/// of the process. Tries CUDA when asked and falls back to the CPU, logging the reason once.
/// </summary>
public sealed class SessionCache(EngineOptions options, ILogger logger) : IDisposable
{
    private readonly ConcurrentDictionary<(string Path, bool Gpu), Lazy<OnnxTileModel>> sessions = new();
    private string? gpuUnavailableReason;

    /// <summary>Why CUDA could not be used, once a GPU session has been tried and failed.</summary>
    public string? GpuUnavailableReason => gpuUnavailableReason;

    /// <param name="onnxPath">The float32 model.</param>
    /// <param name="int8Path">Its int8 variant, if it has one: what the CPU runs unless float32 is configured.</param>
    public OnnxTileModel Get(string onnxPath, string? int8Path, int scale)
    {
        var key = (Path.GetFullPath(onnxPath), options.UseGpu);
        var cpuPath = int8Path is not null && options.CpuPrecision == ModelPrecision.Int8 ? int8Path : onnxPath;
        // Without the float32 file (a fetched model not fetched yet) only the int8 variant can run.
        var lazy = sessions.GetOrAdd(key, k => new Lazy<OnnxTileModel>(() => Create(k.Path, cpuPath, scale, k.Gpu && File.Exists(k.Path))));
        try
        {
            return lazy.Value;
        }
        catch
        {
            sessions.TryRemove(new KeyValuePair<(string, bool), Lazy<OnnxTileModel>>(key, lazy));
            throw;
        }
    }

    private OnnxTileModel Create(string path, string cpuPath, int scale, bool tryGpu)
    {
        if (tryGpu)
        {
            var gpu = TryCreateGpu(path, scale);
            if (gpu is not null)
            {
                return gpu;
            }
        }

        using var cpuOptions = CreateCpuOptions(options);
        var session = new InferenceSession(cpuPath, cpuOptions);
        var precision = cpuPath == path ? ModelPrecision.Float32 : ModelPrecision.Int8;
        logger.LogInformation("Loaded model {Model} on the CPU ({Precision}) with {Threads} threads.",
            Path.GetFileName(cpuPath), precision, cpuOptions.IntraOpNumThreads);
        return new OnnxTileModel(session, scale, ExecutionDevice.Cpu, precision);
    }

    private OnnxTileModel? TryCreateGpu(string path, int scale)
    {
        // GetAvailableProviders() lists CUDA whenever the package ships it, even with no GPU or no
        // CUDA libraries, so the only honest test is to try: appending the provider throws when
        // libcublasLt/libcudnn are missing, and session creation throws when no device is usable.
        var gpuOptions = new SessionOptions();
        var env = OrtEnv.Instance();
        var previousLevel = env.EnvLogLevel;
        try
        {
            // ORT prints its own red error line for a missing CUDA library; the reason is logged below instead.
            env.EnvLogLevel = OrtLoggingLevel.ORT_LOGGING_LEVEL_FATAL;
            gpuOptions.GraphOptimizationLevel = GraphOptimizationLevel.ORT_ENABLE_ALL;
            gpuOptions.LogSeverityLevel = OrtLoggingLevel.ORT_LOGGING_LEVEL_FATAL;
            gpuOptions.AppendExecutionProvider_CUDA(options.GpuDeviceId);
            var session = new InferenceSession(path, gpuOptions);
            logger.LogInformation("Loaded model {Model} on CUDA device {Device}.", Path.GetFileName(path), options.GpuDeviceId);
            return new OnnxTileModel(session, scale, ExecutionDevice.Cuda, ModelPrecision.Float32);
        }
        catch (Exception e) when (e is OnnxRuntimeException or DllNotFoundException or EntryPointNotFoundException)
        {
            var reason = FirstLine(e.Message);
            if (reason.Contains("Failed to load shared library", StringComparison.Ordinal))
            {
                reason += " (ONNX Runtime 1.31 needs the CUDA 13 and cuDNN 9 libraries, e.g. libcublasLt.so.13, and a visible GPU)";
            }

            if (Interlocked.CompareExchange(ref gpuUnavailableReason, reason, null) is null)
            {
                logger.LogWarning("CUDA is not usable, running on the CPU instead: {Reason}", gpuUnavailableReason);
            }

            return null;
        }
        finally
        {
            env.EnvLogLevel = previousLevel;
            gpuOptions.Dispose();
        }
    }

    /// <summary>Settings measured on the 2-core bench machine; see docs/BENCHMARKS.md.</summary>
    internal static SessionOptions CreateCpuOptions(EngineOptions engineOptions)
    {
        var o = new SessionOptions
        {
            GraphOptimizationLevel = GraphOptimizationLevel.ORT_ENABLE_ALL,
            ExecutionMode = ExecutionMode.ORT_SEQUENTIAL,
            IntraOpNumThreads = engineOptions.CpuThreads > 0 ? engineOptions.CpuThreads : Environment.ProcessorCount,
            InterOpNumThreads = 1,
            EnableCpuMemArena = true,
            EnableMemoryPattern = true,
        };
        return o;
    }

    private static string FirstLine(string message)
    {
        var end = message.IndexOfAny(['\r', '\n']);
        return end < 0 ? message : message[..end];
    }

    public void Dispose()
    {
        foreach (var lazy in sessions.Values)
        {
            if (lazy.IsValueCreated)
            {
                lazy.Value.Dispose();
            }
        }

        sessions.Clear();
    }
}
