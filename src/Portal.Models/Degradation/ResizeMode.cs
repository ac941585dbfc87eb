namespace Portal.Models.Degradation;

/// <summary>
/// Interpolation of a degradation resize, as PyTorch's <c>F.interpolate</c> does it (no
/// antialiasing): shrinking with bilinear or bicubic aliases, which is part of what real images
/// went through before they reached us.
/// </summary>
public enum ResizeMode
{
    /// <summary>Mean over the covered source cells (adaptive average pooling).</summary>
    Area,

    Bilinear,

    /// <summary>Cubic convolution with a = -0.75.</summary>
    Bicubic,
}
