using Portal.Models.Analysis;
using Portal.Models.Evaluation;

namespace Portal.Engine.Faces;

/// <summary>
/// 128-D face descriptors from face-api's recognition network (a dlib-style ResNet): two
/// photos of one person lie about 0.3-0.5 apart (Euclidean), different people above 0.6.
/// </summary>
public sealed class FaceRecognizer(string modelsDirectory, int threads = 0) : IDisposable
{
    public const int InputSize = 150;

    private readonly AnalysisSession session = new(AnalysisNetworks.PathOf(modelsDirectory, AnalysisNetworks.FaceRecognition), threads);

    /// <summary>The descriptor of the face in <paramref name="image"/> read from <paramref name="box"/> (normally <see cref="DetectedFace.AlignedBox"/>).</summary>
    public float[] Describe(RgbImage image, FaceBox box)
    {
        var crop = box.ClipToImage(image.Width, image.Height);
        if (crop.Width < 2 || crop.Height < 2)
        {
            throw new ArgumentException($"The face box {box} lies outside the {image.Width}x{image.Height} image.", nameof(box));
        }
        return DescribeInput(FaceTensors.SquareResize(image, crop, InputSize, centre: true));
    }

    /// <summary>Runs the network on a prepared [3,150,150] input in 0..1.</summary>
    public float[] DescribeInput(float[] planes) => session.RunSingle(planes, InputSize, InputSize).Values;

    public static float Distance(ReadOnlySpan<float> a, ReadOnlySpan<float> b)
    {
        if (a.Length != b.Length)
        {
            throw new ArgumentException("Descriptors differ in length.");
        }
        double sum = 0;
        for (var i = 0; i < a.Length; i++)
        {
            var d = a[i] - b[i];
            sum += d * d;
        }
        return (float)Math.Sqrt(sum);
    }

    public void Dispose() => session.Dispose();
}
