using Portal.Models.Analysis;
using Portal.Models.Evaluation;

namespace Portal.Engine.Faces;

/// <summary>
/// Finds faces and their 68 landmarks with face-api's tiny face detector and landmark net
/// (converted to ONNX, run by ONNX Runtime on the CPU). Boxes and points are in the input image's
/// pixels. No face gives an empty list; faces under <see cref="FaceDetectorOptions.MinFaceSize"/>
/// are skipped, and at most <see cref="FaceDetectorOptions.MaxFaces"/> (the largest) are kept.
/// Expects an upright image: decode with EXIF orientation applied.
/// </summary>
public sealed class FaceDetector : IDisposable
{
    private const int LandmarkInputSize = 112;

    // face-api's anchors for the tiny face detector (tinyFaceDetector/const.ts), in grid cells.
    private static readonly (float Width, float Height)[] Anchors =
    [
        (1.603231f, 2.094468f), (6.041143f, 7.080126f), (2.882459f, 3.518061f), (4.266906f, 5.178857f), (9.041765f, 10.66308f),
    ];

    private readonly AnalysisSession detector;
    private readonly AnalysisSession landmarks;
    private readonly FaceDetectorOptions options;

    public FaceDetector(string modelsDirectory, FaceDetectorOptions? options = null, int threads = 0)
    {
        this.options = options ?? new FaceDetectorOptions();
        this.options.Validate();
        detector = new AnalysisSession(AnalysisNetworks.PathOf(modelsDirectory, AnalysisNetworks.TinyFaceDetector), threads);
        try
        {
            landmarks = new AnalysisSession(AnalysisNetworks.PathOf(modelsDirectory, AnalysisNetworks.FaceLandmarks), threads);
        }
        catch
        {
            detector.Dispose();
            throw;
        }
    }

    public FaceDetectorOptions Options => options;

    /// <summary>All faces above the size threshold, best score first.</summary>
    public IReadOnlyList<DetectedFace> Detect(RgbImage image, CancellationToken cancellationToken = default) =>
        Detect(image, options.MinFaceSize, cancellationToken);

    /// <summary>All faces whose shorter box side is at least <paramref name="minFaceSize"/> pixels of <paramref name="image"/>, best score first.</summary>
    public IReadOnlyList<DetectedFace> Detect(RgbImage image, float minFaceSize, CancellationToken cancellationToken = default) =>
        Detect(image, minFaceSize, options.InputSize, cancellationToken);

    /// <summary>Like <see cref="Detect(RgbImage, float, CancellationToken)"/> with the detector run at another square input side (a multiple of 32).</summary>
    public IReadOnlyList<DetectedFace> Detect(RgbImage image, float minFaceSize, int inputSize, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(image);
        var boxes = DetectBoxes(image, minFaceSize, inputSize);
        var faces = new List<DetectedFace>(boxes.Count);
        foreach (var (box, score) in boxes)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var points = Landmarks(image, box);
            if (points is not null)
            {
                faces.Add(new DetectedFace(box, score, points));
            }
        }
        return faces;
    }

    /// <summary>The detector's boxes after non-maximum suppression and the size filter, without landmarks.</summary>
    public IReadOnlyList<(FaceBox Box, float Score)> DetectBoxes(RgbImage image) => DetectBoxes(image, options.MinFaceSize);

    /// <summary>Like <see cref="DetectBoxes(RgbImage)"/> with another size threshold (in pixels of <paramref name="image"/>).</summary>
    public IReadOnlyList<(FaceBox Box, float Score)> DetectBoxes(RgbImage image, float minFaceSize) => DetectBoxes(image, minFaceSize, options.InputSize);

    /// <summary>Like <see cref="DetectBoxes(RgbImage, float)"/> at another square input side (a multiple of 32).</summary>
    public IReadOnlyList<(FaceBox Box, float Score)> DetectBoxes(RgbImage image, float minFaceSize, int inputSize)
    {
        ArgumentNullException.ThrowIfNull(image);
        (options with { InputSize = inputSize }).Validate();
        var size = inputSize;
        var side = Math.Max(image.Width, image.Height);
        var input = FaceTensors.SquareResize(image, (0, 0, image.Width, image.Height), size, centre: false);
        var (raw, dims) = detector.RunSingle(input, size, size);
        int cellsY = dims[2], cellsX = dims[3], cells = cellsY * cellsX;
        // Box coordinates are relative to the padded square; the image occupies its top-left part.
        float squareToImageX = side / (float)image.Width, squareToImageY = side / (float)image.Height;
        var candidates = new List<(FaceBox Box, float Score)>();
        for (var anchor = 0; anchor < Anchors.Length; anchor++)
        {
            for (var row = 0; row < cellsY; row++)
            {
                for (var col = 0; col < cellsX; col++)
                {
                    float Channel(int k) => raw[(anchor * 5 + k) * cells + row * cellsX + col];
                    var score = Sigmoid(Channel(4));
                    if (!(score > options.ScoreThreshold))
                    {
                        continue;
                    }
                    var centreX = (col + Sigmoid(Channel(0))) / cellsX * squareToImageX;
                    var centreY = (row + Sigmoid(Channel(1))) / cellsY * squareToImageY;
                    var width = MathF.Exp(Channel(2)) * Anchors[anchor].Width / cellsX * squareToImageX;
                    var height = MathF.Exp(Channel(3)) * Anchors[anchor].Height / cellsY * squareToImageY;
                    var box = new FaceBox((centreX - width / 2) * image.Width, (centreY - height / 2) * image.Height, width * image.Width, height * image.Height);
                    // A box the network blew up (exp overflow) or placed off the picture is no face here.
                    if (IsUsable(box, image.Width, image.Height))
                    {
                        candidates.Add((box, score));
                    }
                }
            }
        }
        var kept = NonMaximumSuppression(candidates, options.OverlapThreshold);
        return kept
            .Where(f => Math.Min(f.Box.Width, f.Box.Height) >= minFaceSize)
            .OrderByDescending(f => f.Box.Area).Take(options.MaxFaces)
            .OrderByDescending(f => f.Score)
            .ToList();
    }

    private FacePoint[]? Landmarks(RgbImage image, FaceBox box)
    {
        var crop = box.ClipToImage(image.Width, image.Height);
        if (crop.Width < 2 || crop.Height < 2)
        {
            return null;
        }
        var input = FaceTensors.SquareResize(image, crop, LandmarkInputSize, centre: true);
        var (raw, _) = landmarks.RunSingle(input, LandmarkInputSize, LandmarkInputSize);
        // Points come relative to the centred square; undo the padding, then place the crop.
        var side = (float)Math.Max(crop.Width, crop.Height);
        var padX = crop.Width < crop.Height ? (side - crop.Width) / 2 : 0;
        var padY = crop.Height < crop.Width ? (side - crop.Height) / 2 : 0;
        var points = new FacePoint[68];
        for (var i = 0; i < points.Length; i++)
        {
            points[i] = new FacePoint(crop.X + raw[2 * i] * side - padX, crop.Y + raw[2 * i + 1] * side - padY);
        }
        return points;
    }

    /// <summary>Greedy suppression, best score first (face-api's nonMaxSuppression with IoU).</summary>
    internal static List<(FaceBox Box, float Score)> NonMaximumSuppression(List<(FaceBox Box, float Score)> candidates, float threshold)
    {
        var remaining = candidates.OrderByDescending(c => c.Score).ToList();
        var kept = new List<(FaceBox Box, float Score)>();
        while (remaining.Count > 0)
        {
            var best = remaining[0];
            kept.Add(best);
            remaining = remaining.Skip(1).Where(c => c.Box.IntersectionOverUnion(best.Box) <= threshold).ToList();
        }
        return kept;
    }

    private static bool IsUsable(FaceBox box, int width, int height)
    {
        if (!float.IsFinite(box.X) || !float.IsFinite(box.Y) || !float.IsFinite(box.Width) || !float.IsFinite(box.Height))
        {
            return false;
        }

        var inside = box.ClipToImage(width, height);
        return inside.Width >= 2 && inside.Height >= 2;
    }

    private static float Sigmoid(float x) => 1f / (1f + MathF.Exp(-x));

    public void Dispose()
    {
        detector.Dispose();
        landmarks.Dispose();
    }
}
