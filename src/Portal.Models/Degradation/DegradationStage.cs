namespace Portal.Models.Degradation;

/// <summary>One order of Real-ESRGAN's degradation: blur, resize, noise, JPEG, each optional, in that order.</summary>
/// <param name="JpegQuality">libvips JPEG quality 1..100, or null for none.</param>
public sealed record DegradationStage(BlurKernel? Blur, ResizeStep? Resize, NoiseStep? Noise, int? JpegQuality);
