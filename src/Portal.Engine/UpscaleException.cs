namespace Portal.Engine;

/// <summary>
/// A failure a user can cause or fix. <see cref="Exception.Message"/> is a complete sentence meant
/// to be shown as is; <see cref="Code"/> lets callers branch without parsing text.
/// </summary>
public sealed class UpscaleException(UpscaleErrorCode code, string message, Exception? inner = null)
    : Exception(message, inner)
{
    public UpscaleErrorCode Code { get; } = code;
}
