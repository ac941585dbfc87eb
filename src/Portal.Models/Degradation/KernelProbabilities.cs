namespace Portal.Models.Degradation;

/// <summary>How often each blur kernel family is drawn (weights; they need not sum to one).</summary>
public sealed record KernelProbabilities(
    double Isotropic = 0.45,
    double Anisotropic = 0.25,
    double GeneralizedIsotropic = 0.12,
    double GeneralizedAnisotropic = 0.03,
    double PlateauIsotropic = 0.12,
    double PlateauAnisotropic = 0.03)
{
    internal double[] AsArray() =>
        [Isotropic, Anisotropic, GeneralizedIsotropic, GeneralizedAnisotropic, PlateauIsotropic, PlateauAnisotropic];
}
