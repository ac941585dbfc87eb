using Microsoft.ML.OnnxRuntime;

namespace Portal.Engine.Inference;

/// <summary>One ONNX Runtime session behind the tile contract.</summary>
public sealed class OnnxTileModel : ITileModel, IDisposable
{
    private readonly InferenceSession session;
    private readonly string[] inputNames;
    private readonly string[] outputNames;
    private readonly HashSet<(int, int)> warmShapes = [];
    private readonly Lock warmLock = new();

    internal OnnxTileModel(InferenceSession session, int scale, ExecutionDevice device, ModelPrecision precision)
    {
        Precision = precision;
        this.session = session;
        Scale = scale;
        Device = device;
        inputNames = [session.InputNames[0]];
        outputNames = [session.OutputNames[0]];
    }

    public int Scale { get; }

    /// <summary>Which copy of the model the session runs: the int8 variant or float32.</summary>
    public ModelPrecision Precision { get; }

    /// <summary>The device the session actually runs on (after any fallback).</summary>
    public ExecutionDevice Device { get; }

    public void Run(ReadOnlyMemory<float> input, int width, int height, Memory<float> output, CancellationToken cancellationToken)
    {
        long[] inShape = [1, 3, height, width];
        long[] outShape = [1, 3, (long)height * Scale, (long)width * Scale];
        if (input.Length < 3 * width * height || output.Length < 3 * width * height * Scale * Scale)
        {
            throw new ArgumentException("Tile buffers are smaller than the tile.");
        }

        using var inValue = OrtValue.CreateTensorValueFromMemory(
            OrtMemoryInfo.DefaultInstance, System.Runtime.InteropServices.MemoryMarshal.AsMemory(input), inShape);
        using var outValue = OrtValue.CreateTensorValueFromMemory(OrtMemoryInfo.DefaultInstance, output, outShape);
        using var runOptions = new RunOptions();

        // A long tile must not hold a cancelled job: Terminate makes the running session return early.
        using var registration = cancellationToken.Register(() => runOptions.Terminate = true);
        try
        {
            session.Run(runOptions, inputNames, [inValue], outputNames, [outValue]);
        }
        catch (OnnxRuntimeException) when (cancellationToken.IsCancellationRequested)
        {
            throw new OperationCanceledException(cancellationToken);
        }
        catch (OnnxRuntimeException e)
        {
            throw new UpscaleException(UpscaleErrorCode.InferenceFailed, "The upscaling network failed on this image.", e);
        }

        lock (warmLock)
        {
            warmShapes.Add((width, height));
        }
    }

    /// <summary>Runs one blank tile of this shape unless already done; the first run at a shape is several times slower.</summary>
    public void WarmUp(int width, int height)
    {
        lock (warmLock)
        {
            if (warmShapes.Contains((width, height)))
            {
                return;
            }
        }

        var input = new float[3 * width * height];
        var output = new float[3 * width * height * Scale * Scale];
        Run(input, width, height, output, CancellationToken.None);
    }

    public void Dispose() => session.Dispose();
}
