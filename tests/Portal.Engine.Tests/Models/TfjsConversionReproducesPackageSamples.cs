using NetVips;
using Portal.Models;
using Portal.Models.Evaluation;
using Xunit.Abstractions;

namespace Portal.Engine.Tests.Models;

/// <summary>
/// Each converted TF.js model, fed the package's own range, reproduces the package's sample
/// output of assets/fixture.png within one grey level (the original runtime's rounding).
/// </summary>
public sealed class TfjsConversionReproducesPackageSamples(ITestOutputHelper output)
{
    public static TheoryData<string, string, float> Samples => new()
    {
        { "esrgan-slim-x2", "assets/samples/2x/result.png", 255f },
        { "esrgan-slim-x3", "assets/samples/3x/result.png", 255f },
        { "esrgan-slim-x4", "assets/samples/4x/result.png", 255f },
        { "esrgan-medium-x2", "assets/samples/2x/result.png", 255f },
        { "esrgan-medium-x3", "assets/samples/3x/result.png", 255f },
        { "esrgan-medium-x4", "assets/samples/4x/result.png", 255f },
        { "esrgan-thick-x2", "assets/samples/2x/result.png", 1f },
        { "esrgan-thick-x3", "assets/samples/3x/result.png", 1f },
        { "esrgan-thick-x4", "assets/samples/4x/result.png", 1f },
        { "esrgan-thick-x8", "assets/samples/8x/result.png", 1f },
        // The legacy wrapper feeds its RDN models 0..255; the samples were made that way.
        { "esrgan-legacy-psnr-small-x2", "assets/samples/psnr-small/result.png", 255f },
        { "esrgan-legacy-div2k-x2", "assets/samples/div2k/2x/result.png", 255f },
        { "esrgan-legacy-div2k-x3", "assets/samples/div2k/3x/result.png", 255f },
        { "esrgan-legacy-div2k-x4", "assets/samples/div2k/4x/result.png", 255f },
        { "esrgan-legacy-gans-x4", "assets/samples/gans/result.png", 1f },
    };

    [Theory]
    [MemberData(nameof(Samples))]
    public async Task Converted_model_matches_the_package_sample(string modelId, string samplePath, float packageRange)
    {
        var definition = ModelCatalog.Find(modelId)! with { SourceRange = packageRange };
        var tarball = await PinnedPackages.OpenAsync(definition.Source);
        var converted = ModelImporter.Convert(definition, tarball);

        using var fixtureImage = Image.NewFromBuffer(tarball.GetFile("assets/fixture.png"));
        using var sampleImage = Image.NewFromBuffer(tarball.GetFile(samplePath));
        var fixture = RgbImage.FromVips(fixtureImage);
        var expected = RgbImage.FromVips(sampleImage).ToBytes();
        using var upscaler = new OnnxUpscaler(converted.Onnx);
        var actual = upscaler.Upscale(fixture).ToBytes();

        Assert.Equal(expected.Length, actual.Length);
        var maxDifference = 0;
        var offByMoreThanOne = 0;
        for (var i = 0; i < expected.Length; i++)
        {
            var difference = Math.Abs(expected[i] - actual[i]);
            maxDifference = Math.Max(maxDifference, difference);
            offByMoreThanOne += difference > 1 ? 1 : 0;
        }
        output.WriteLine($"{modelId}: max difference {maxDifference}, {offByMoreThanOne} values off by more than 1, {expected.Length} compared");
        Assert.True(maxDifference <= 1, $"{modelId}: max difference {maxDifference}, {offByMoreThanOne} of {expected.Length} channel values off by more than 1.");
    }
}
