namespace Portal.Engine;

/// <summary>Why an upscale could not be done; each code comes with a sentence for a person.</summary>
public enum UpscaleErrorCode
{
    EmptyFile,
    FileNotFound,
    UnsupportedFormat,
    TooManyPixels,
    TooManyBytes,
    DamagedImage,
    OutputTooLarge,
    UnknownModel,
    ModelNotInstalled,
    InvalidRequest,
    InferenceFailed,
}
