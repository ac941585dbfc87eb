namespace Portal.Models.Degradation;

/// <summary>The blur kernel families of Real-ESRGAN's degradation model.</summary>
public enum BlurKernelKind
{
    /// <summary>Gaussian, same sigma in every direction.</summary>
    Isotropic,

    /// <summary>Gaussian with two sigmas and a rotation (motion-like, astigmatic).</summary>
    Anisotropic,

    /// <summary>exp(-0.5·d^β): β &lt; 1 has heavier tails, β &gt; 1 a flatter top than a Gaussian.</summary>
    GeneralizedIsotropic,

    GeneralizedAnisotropic,

    /// <summary>1/(1+d^β): a flat top with a soft edge, like an out-of-focus lens.</summary>
    PlateauIsotropic,

    PlateauAnisotropic,

    /// <summary>Ideal circular low-pass (2-D sinc): ringing and overshoot, as sharpened or resampled images have.</summary>
    Sinc,
}
