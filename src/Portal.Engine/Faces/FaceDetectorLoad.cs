using Portal.Models;

namespace Portal.Engine.Faces;

/// <summary>The engine's face detector, loaded once; a file that is missing or corrupt is remembered as the reason instead.</summary>
internal sealed record FaceDetectorLoad(FaceDetector? Detector, string? Failure)
{
    public static FaceDetectorLoad Open(FaceProtectionOptions options, string modelsDirectory, int threads)
    {
        try
        {
            options.Validate();
            var detector = new FaceDetector(
                options.DetectorModelsDirectory ?? modelsDirectory,
                new FaceDetectorOptions { InputSize = options.DetectorInputSize, MinFaceSize = 1 },
                threads);
            return new FaceDetectorLoad(detector, null);
        }
        catch (Exception e) when (e is ModelImportException or ArgumentException or IOException or Microsoft.ML.OnnxRuntime.OnnxRuntimeException)
        {
            return new FaceDetectorLoad(null, $"The face detector could not be loaded: {e.Message}");
        }
    }
}
