using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;

namespace Portal.Models.Analysis;

/// <summary>One analysis network on the CPU (these are small; the GPU would not pay for its transfers).</summary>
public sealed class AnalysisSession : IDisposable
{
    private readonly InferenceSession session;

    public AnalysisSession(string path, int threads)
    {
        if (!File.Exists(path))
        {
            throw new ModelImportException($"The analysis network {Path.GetFileName(path)} is missing at {path}.");
        }
        using var options = new SessionOptions { IntraOpNumThreads = threads > 0 ? threads : Environment.ProcessorCount };
        try
        {
            session = new InferenceSession(path, options);
        }
        catch (OnnxRuntimeException error)
        {
            throw new ModelImportException($"The analysis network {Path.GetFileName(path)} cannot be loaded (corrupt or not ONNX): {error.Message}", error);
        }
    }

    /// <summary>Runs the network on one [1,3,h,w] input; returns every output, flattened, with its dimensions, in declaration order.</summary>
    public (float[] Values, int[] Dimensions)[] Run(float[] planes, int height, int width)
    {
        var tensor = new DenseTensor<float>(planes, [1, 3, height, width]);
        using var results = session.Run([NamedOnnxValue.CreateFromTensor("input", tensor)]);
        return results.Select(r => r.AsTensor<float>()).Select(t => (t.ToArray(), t.Dimensions.ToArray())).ToArray();
    }

    /// <summary>Like <see cref="Run"/> for one output, with its dimensions.</summary>
    public (float[] Values, int[] Dimensions) RunSingle(float[] planes, int height, int width)
    {
        var tensor = new DenseTensor<float>(planes, [1, 3, height, width]);
        using var results = session.Run([NamedOnnxValue.CreateFromTensor("input", tensor)]);
        var output = results[0].AsTensor<float>();
        return (output.ToArray(), output.Dimensions.ToArray());
    }

    public void Dispose() => session.Dispose();
}
