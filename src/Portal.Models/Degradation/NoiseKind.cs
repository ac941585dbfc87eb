namespace Portal.Models.Degradation;

public enum NoiseKind
{
    /// <summary>Additive, signal-independent (read noise).</summary>
    Gaussian,

    /// <summary>Signal-dependent shot noise: brighter pixels get more.</summary>
    Poisson,
}
