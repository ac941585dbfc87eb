namespace Portal.Models.Degradation;

/// <summary>
/// The last step: resize to exactly 1/scale of the original and optionally low-pass it with a sinc
/// (ringing), and a JPEG save, in either order (Real-ESRGAN draws the order at random).
/// </summary>
/// <param name="Sinc">A <see cref="BlurKernelKind.Sinc"/> kernel, or null for none.</param>
/// <param name="JpegQuality">Null for no final JPEG.</param>
/// <param name="JpegFirst">JPEG before the resize and sinc instead of after.</param>
public sealed record FinalStep(ResizeMode Mode, BlurKernel? Sinc, int? JpegQuality, bool JpegFirst = false);
