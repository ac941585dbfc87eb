using NetVips;
using Portal.Engine.Faces;
using Portal.Engine.Imaging;
using Portal.Engine.Inference;
using Portal.Engine.Tests.Support;
using Portal.Models;

namespace Portal.Engine.Tests.Faces;

/// <summary>
/// What the face tests share: crops of the evaluation photos written as files (the engine reads files),
/// stand-in networks whose difference is easy to see, and one run of the engine's face path.
/// </summary>
internal static class FaceTestImages
{
    public static string Photo(string name) => Path.Combine(RepoPaths.Models, "evaluation", "photos", name);

    /// <summary>Writes a crop of an evaluation photo as PNG.</summary>
    public static string Crop(TempDirectory temp, string photo, int x, int y, int width, int height, string name)
    {
        using var image = Image.NewFromFile(Photo(photo));
        using var crop = image.Crop(x, y, width, height);
        var path = temp.File(name);
        crop.WriteToFile(path);
        return path;
    }

    /// <summary>A grid of <paramref name="count"/> x <paramref name="count"/> copies of the portrait, each shrunk to <paramref name="side"/> pixels.</summary>
    public static string Crowd(TempDirectory temp, int count, int side, string name)
    {
        using var portrait = Image.NewFromFile(Photo("astronaut.png"));
        using var small = portrait.ThumbnailImage(side, height: side);
        using var grid = small.Replicate(count, count);
        var path = temp.File(name);
        grid.WriteToFile(path);
        return path;
    }

    public static SourceImage Decode(string path) => ImageDecoder.Decode(path, ImageInspector.ReadHeader(path), CancellationToken.None);

    /// <summary>Runs the engine's tiled path with stand-in networks; returns the result's RGB bytes.</summary>
    public static (byte[] Pixels, int Width, int Height, UpscaleResult Result) Upscale(
        TempDirectory temp,
        string input,
        ITileModel main,
        UpscaleRequest request,
        FaceSafety? faces,
        EngineOptions? options = null,
        IProgress<UpscaleProgress>? progress = null)
    {
        using var upscaler = new ImageUpscaler(options ?? new EngineOptions { ModelsDirectory = RepoPaths.Models, UseGpu = false });
        var plan = upscaler.PlanFor(ImageInspector.ReadHeader(input), TestModels.Entry("esrgan-legacy-gans-x4", main.Scale), request);
        if (faces is not null || request.Faces == FaceProtection.Off)
        {
            plan = plan with { FacesApply = true, FaceModel = upscaler.Manifest.FindById("esrgan-thick-x4") };
        }

        var output = temp.File(Guid.NewGuid().ToString("N") + ".png");
        var result = upscaler.Run(plan, main, ExecutionDevice.Cpu, input, output, request, progress, CancellationToken.None, faces);
        using var image = Image.NewFromFile(output);
        return (image.WriteToMemory<byte>(), image.Width, image.Height, result);
    }

    public static FaceSafety Safety(FaceDetector detector, ITileModel faithful) => new(detector, faithful, "esrgan-thick-x4", null);
}

/// <summary>
/// A stand-in "GAN": nearest enlargement, 30 grey levels brighter, with a one-pixel checker of +-5 levels.
/// Next to <see cref="BlurNearestModel"/> as the faithful network, a pasted face would show a 30-level step.
/// </summary>
internal sealed class BrightTextureModel(int scale) : ITileModel
{
    public int Scale { get; } = scale;

    public void Run(ReadOnlyMemory<float> input, int width, int height, Memory<float> output, CancellationToken cancellationToken)
    {
        var src = input.Span;
        var dst = output.Span;
        int ow = width * Scale, oh = height * Scale;
        for (var c = 0; c < 3; c++)
        {
            for (var y = 0; y < oh; y++)
            {
                for (var x = 0; x < ow; x++)
                {
                    var texture = ((x + y) & 1) == 0 ? 5f / 255f : -5f / 255f;
                    dst[(c * ow * oh) + (y * ow) + x] = src[(c * width * height) + ((y / Scale) * width) + (x / Scale)] + (30f / 255f) + texture;
                }
            }
        }
    }
}
