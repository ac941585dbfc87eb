namespace Portal.Models.Degradation;

/// <summary>
/// The fixed plans of the real-world evaluation track. Published in docs/MODELS.md; changing a
/// number here changes every real-world measurement, so treat them as frozen.
/// </summary>
/// <remarks>
/// Each ends with a JPEG save at the final size, because that is what an upload is: a small JPEG
/// whose 8x8 grid sits on the pixels the model sees.
/// </remarks>
public static class DegradationPresets
{
    /// <summary>A decent phone photo, shared once: slight lens blur, an area downscale, faint shot noise, JPEG 90.</summary>
    public static DegradationPlan Light(int scale) => new(
        new DegradationStage(
            BlurKernel.Isotropic(0.8),
            new ResizeStep(1.0 / scale, ResizeMode.Area),
            new NoiseStep(NoiseKind.Poisson, 0.5, Grey: false),
            JpegQuality: null),
        Second: null,
        new FinalStep(ResizeMode.Area, Sinc: null, JpegQuality: 90));

    /// <summary>
    /// A web JPEG: anisotropic blur, a bicubic shrink past the final size and a bilinear enlargement back
    /// (a resize chain), visible colour noise, JPEG 60.
    /// </summary>
    public static DegradationPlan Medium(int scale) => new(
        new DegradationStage(
            BlurKernel.Anisotropic(1.6, 0.9, Math.PI / 6),
            new ResizeStep(0.75 / scale, ResizeMode.Bicubic),
            new NoiseStep(NoiseKind.Gaussian, 6, Grey: false),
            JpegQuality: null),
        Second: null,
        new FinalStep(ResizeMode.Bilinear, Sinc: null, JpegQuality: 60));

    /// <summary>
    /// A photo forwarded a few times: Real-ESRGAN's second-order chain at fixed values, ending with a
    /// sinc (ringing) and JPEG 30.
    /// </summary>
    public static DegradationPlan Heavy(int scale) => new(
        new DegradationStage(
            new BlurKernel(BlurKernelKind.GeneralizedAnisotropic, 21, SigmaX: 2.0, SigmaY: 1.0, Rotation: -Math.PI / 4, Beta: 1.5),
            new ResizeStep(0.5, ResizeMode.Bilinear),
            new NoiseStep(NoiseKind.Gaussian, 10, Grey: false),
            JpegQuality: 50),
        new DegradationStage(
            new BlurKernel(BlurKernelKind.PlateauIsotropic, 15, SigmaX: 1.0, SigmaY: 1.0, Beta: 1.5),
            new ResizeStep(0.8 / scale, ResizeMode.Area),
            new NoiseStep(NoiseKind.Poisson, 1.5, Grey: true),
            JpegQuality: null),
        new FinalStep(ResizeMode.Bicubic, BlurKernel.SincLowPass(Math.PI / 2, 15), JpegQuality: 30));

    public static DegradationPlan For(DegradationStrength strength, int scale) => strength switch
    {
        DegradationStrength.Light => Light(scale),
        DegradationStrength.Medium => Medium(scale),
        DegradationStrength.Heavy => Heavy(scale),
        _ => throw new ArgumentOutOfRangeException(nameof(strength)),
    };

    /// <summary>The seed of one evaluation image at one strength and scale: the same crop always gets the same noise.</summary>
    public static ulong SeedFor(string imageName, DegradationStrength strength, int scale) =>
        SeededRandom.SeedFrom($"{imageName}|{strength}|x{scale}");
}
