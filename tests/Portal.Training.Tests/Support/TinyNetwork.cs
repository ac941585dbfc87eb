using Portal.Models.Evaluation;
using Portal.Training.Architectures;
using static TorchSharp.torch;

namespace Portal.Training.Tests.Support;

/// <summary>The tiny x2 network <see cref="TinyDataSet.Recipe"/> trains: a seeded start to fine-tune from, and its forward pass.</summary>
internal static class TinyNetwork
{
    /// <summary>Writes a randomly initialised network (seeded) as ONNX, for a recipe's initFrom.</summary>
    public static void WriteStart(string path, long seed)
    {
        random.manual_seed(seed);
        using var start = new SrvggCompact(8, 1, 2);
        File.WriteAllBytes(path, start.ToOnnx("start"));
    }

    /// <summary>The model file's output on <paramref name="image"/>, clamped to [0, 1].</summary>
    public static Tensor Forward(string modelPath, RgbImage image)
    {
        using var network = new SrvggCompact(8, 1, 2);
        network.LoadOnnx(File.ReadAllBytes(modelPath), Path.GetFileName(modelPath));
        network.eval();
        using var _ = no_grad();
        return network.call(tensor(image.Planes, [1, 3, image.Height, image.Width])).clamp(0, 1);
    }

    /// <summary>Mean absolute difference between two model files' outputs on <paramref name="probe"/>.</summary>
    public static float Distance(string modelPath, string otherPath, RgbImage probe)
    {
        using var output = Forward(modelPath, probe);
        using var other = Forward(otherPath, probe);
        using var difference = (output - other).abs();
        using var mean = difference.mean();
        return mean.item<float>();
    }
}
