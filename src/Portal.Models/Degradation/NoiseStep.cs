namespace Portal.Models.Degradation;

/// <summary>Noise added by one stage.</summary>
/// <param name="Amount">Gaussian: sigma on the 0..255 scale. Poisson: the factor applied to the shot noise.</param>
/// <param name="Grey">One noise value per pixel for all three channels (luma noise) instead of one per channel.</param>
public sealed record NoiseStep(NoiseKind Kind, double Amount, bool Grey);
