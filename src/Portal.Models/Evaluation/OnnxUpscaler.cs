using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;

namespace Portal.Models.Evaluation;

/// <summary>
/// Runs a converted model on the CPU, whole image at once. For evaluation and tests only; the
/// product's engine tiles and picks a device.
/// </summary>
public sealed class OnnxUpscaler : IDisposable
{
    private readonly InferenceSession session;

    public OnnxUpscaler(string modelPath)
    {
        using var options = new SessionOptions { IntraOpNumThreads = Environment.ProcessorCount };
        session = new InferenceSession(modelPath, options);
    }

    public OnnxUpscaler(byte[] model)
    {
        using var options = new SessionOptions { IntraOpNumThreads = Environment.ProcessorCount };
        session = new InferenceSession(model, options);
    }

    public RgbImage Upscale(RgbImage input)
    {
        var tensor = new DenseTensor<float>(input.Planes, [1, 3, input.Height, input.Width]);
        using var results = session.Run([NamedOnnxValue.CreateFromTensor("input", tensor)]);
        var output = results[0].AsTensor<float>();
        var dims = output.Dimensions;
        return new RgbImage(dims[3], dims[2], output.ToArray());
    }

    public void Dispose() => session.Dispose();
}
