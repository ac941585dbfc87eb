using OpenCvSharp;
using OpenCvSharp.Quality;

namespace Portal.Models.Evaluation.Metrics;

/// <summary>
/// BRISQUE (no-reference naturalness, 0 best, about 100 worst) from OpenCV's quality module with
/// the LIVE-trained model that Debian's <c>opencv-data</c> installs. Pristine photos score about
/// 20, heavy blur, noise or blocking 50 and more.
/// </summary>
/// <remarks>Needs OpenCvSharp's native runtime in the host (the CLI and the tests carry it; the web app does not).</remarks>
public sealed class Brisque : IQualityMetric, IDisposable
{
    public const string DefaultModelDirectory = "/usr/share/opencv4/quality";
    public const string ModelFile = "brisque_model_live.yml";
    public const string RangeFile = "brisque_range_live.yml";

    private readonly QualityBRISQUE brisque;

    /// <exception cref="FileNotFoundException">The model files are missing, with the package that provides them.</exception>
    public Brisque(string modelDirectory = DefaultModelDirectory)
    {
        var model = Path.Combine(modelDirectory, ModelFile);
        var range = Path.Combine(modelDirectory, RangeFile);
        if (!File.Exists(model) || !File.Exists(range))
        {
            throw new FileNotFoundException(
                $"BRISQUE needs {ModelFile} and {RangeFile} in {modelDirectory}: install Debian's opencv-data package (apt-get install opencv-data).", model);
        }
        brisque = QualityBRISQUE.Create(model, range);
    }

    public string Id => "brisque";

    public string Label => "BRISQUE";

    public bool NeedsReference => false;

    public bool LowerIsBetter => true;

    public double? Measure(MetricSample sample) => Score(sample.Result);

    public double Score(RgbImage image)
    {
        using var mat = ToBgrMat(image);
        return brisque.Compute(mat).Val0;
    }

    internal static Mat ToBgrMat(RgbImage image)
    {
        var rgb = image.ToBytes();
        for (var i = 0; i < rgb.Length; i += 3)
        {
            (rgb[i], rgb[i + 2]) = (rgb[i + 2], rgb[i]);
        }
        var mat = new Mat(image.Height, image.Width, MatType.CV_8UC3);
        System.Runtime.InteropServices.Marshal.Copy(rgb, 0, mat.Data, rgb.Length);
        return mat;
    }

    public void Dispose() => brisque.Dispose();
}
