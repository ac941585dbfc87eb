using Portal.Engine.Faces;
using Portal.Models.Evaluation;
using Xunit.Abstractions;

namespace Portal.Engine.Tests.Analysis;

/// <summary>The engine's face detector on real photos: the portrait's face, no face in a still life,
/// the package's own three-person photo as face-api finds it, tiny faces skipped, a crowd capped.</summary>
public sealed class FaceDetectorFindsFaces(ITestOutputHelper output)
{
    [Fact]
    public void Finds_the_face_of_the_portrait_with_landmarks_inside_its_box()
    {
        using var detector = new FaceDetector(AnalysisFixtures.ModelsDirectory);
        var portrait = AnalysisFixtures.Portrait();
        var faces = detector.Detect(portrait);
        foreach (var face in faces)
        {
            output.WriteLine($"score {face.Score:F3} box {face.Box} eyes {face.LeftEye} {face.RightEye} mouth {face.Mouth}");
        }
        var only = Assert.Single(faces);
        Assert.True(only.Score > 0.7f, $"score {only.Score}");
        Assert.Equal(68, only.Landmarks.Count);
        var box = only.Box.Pad(0.3f);
        Assert.All(only.Landmarks, p => Assert.True(p.X >= box.X && p.X <= box.Right && p.Y >= box.Y && p.Y <= box.Bottom, $"{p} outside {box}"));
        // An upright face: eyes side by side above the mouth.
        Assert.True(only.LeftEye.X < only.RightEye.X);
        Assert.True(only.Mouth.Y > Math.Max(only.LeftEye.Y, only.RightEye.Y));
    }

    [Fact]
    public void Finds_no_face_in_a_photo_without_people()
    {
        using var detector = new FaceDetector(AnalysisFixtures.ModelsDirectory);
        Assert.Empty(detector.Detect(AnalysisFixtures.FaceFree()));
        Assert.Empty(detector.Detect(new RgbImage(64, 48, new float[3 * 64 * 48])));
        Assert.Empty(detector.Detect(new RgbImage(1, 1, [0.5f, 0.5f, 0.5f])));
        Assert.Empty(detector.Detect(new RgbImage(3000, 2, new float[3 * 3000 * 2])));
    }

    [Fact]
    public async Task Finds_the_three_faces_face_api_finds_in_its_sample()
    {
        using var detector = new FaceDetector(AnalysisFixtures.ModelsDirectory);
        var sample = await AnalysisFixtures.FaceApiSampleAsync("sample1.jpg");
        var faces = detector.Detect(sample);
        var expected = AnalysisFixtures.Reference.GetProperty("sample1").EnumerateArray().ToList();
        Assert.Equal(expected.Count, faces.Count);
        foreach (var reference in expected)
        {
            var b = AnalysisFixtures.ReferenceValues(reference.GetProperty("box"));
            var box = new FaceBox(b[0], b[1], b[2], b[3]);
            var match = faces.MaxBy(f => f.Box.IntersectionOverUnion(box))!;
            var iou = match.Box.IntersectionOverUnion(box);
            var landmarks = AnalysisFixtures.ReferenceValues(reference.GetProperty("landmarks"));
            var landmarkError = Enumerable.Range(0, 68).Max(i => MathF.Sqrt(
                MathF.Pow(match.Landmarks[i].X - landmarks[2 * i], 2) + MathF.Pow(match.Landmarks[i].Y - landmarks[2 * i + 1], 2)));
            output.WriteLine($"face-api {box} score {reference.GetProperty("score").GetSingle():F3}; ours {match.Box} score {match.Score:F3}; " +
                $"IoU {iou:F4}; worst landmark {landmarkError:F2} px");
            // Different JPEG decoders (libjpeg-turbo here, jpeg-js there) shift a few pixel values by a level.
            Assert.True(iou > 0.97f, $"IoU {iou}");
            Assert.True(landmarkError < 0.02f * box.Width, $"landmark error {landmarkError} px");
        }
    }

    [Fact]
    public async Task Skips_faces_under_the_size_threshold_and_caps_a_crowd()
    {
        var sample = await AnalysisFixtures.FaceApiSampleAsync("sample1.jpg");
        using (var detector = new FaceDetector(AnalysisFixtures.ModelsDirectory, new FaceDetectorOptions { MinFaceSize = 400 }))
        {
            Assert.Empty(detector.Detect(sample)); // the sample's faces are about 300 px wide
        }
        using (var detector = new FaceDetector(AnalysisFixtures.ModelsDirectory, new FaceDetectorOptions { MaxFaces = 2 }))
        {
            Assert.Equal(2, detector.Detect(sample).Count);
        }
        // A crowd: a grid of 16 copies of the portrait at full size. Each copy's face is found exactly
        // once (the seams between copies make a few extra face-like boxes, which this does not count).
        var portrait = AnalysisFixtures.Portrait();
        FaceBox single;
        using (var detector = new FaceDetector(AnalysisFixtures.ModelsDirectory))
        {
            single = Assert.Single(detector.Detect(portrait)).Box;
        }
        var grid = Tile(portrait, 4);
        using var crowd = new FaceDetector(AnalysisFixtures.ModelsDirectory, new FaceDetectorOptions { InputSize = 608 });
        var faces = crowd.Detect(grid);
        output.WriteLine($"{faces.Count} faces in a 4x4 grid of portraits");
        for (var row = 0; row < 4; row++)
        {
            for (var column = 0; column < 4; column++)
            {
                var expected = single with { X = single.X + column * portrait.Width, Y = single.Y + row * portrait.Height };
                var matches = faces.Count(f => f.Box.IntersectionOverUnion(expected) > 0.5f);
                Assert.True(matches == 1, $"copy ({column}, {row}): {matches} detections over {expected}");
            }
        }
    }

    [Fact]
    public void Rejects_options_it_cannot_honour()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new FaceDetector(AnalysisFixtures.ModelsDirectory, new FaceDetectorOptions { InputSize = 100 }));
    }

    private static RgbImage Tile(RgbImage image, int count)
    {
        int width = image.Width * count, height = image.Height * count, area = width * height, sourceArea = image.Width * image.Height;
        var planes = new float[3 * area];
        for (var c = 0; c < 3; c++)
        {
            for (var y = 0; y < height; y++)
            {
                for (var x = 0; x < width; x++)
                {
                    planes[c * area + y * width + x] = image.Planes[c * sourceArea + (y % image.Height) * image.Width + x % image.Width];
                }
            }
        }
        return new RgbImage(width, height, planes);
    }
}
