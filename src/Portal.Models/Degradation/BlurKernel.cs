namespace Portal.Models.Degradation;

/// <summary>
/// One blur kernel, fully specified, so a recipe can publish it and a test can rebuild it.
/// </summary>
/// <param name="Size">Odd side length in pixels.</param>
/// <param name="SigmaX">Standard deviation along the kernel's own x axis (before rotation), in pixels.</param>
/// <param name="SigmaY">Along its y axis; equal to <paramref name="SigmaX"/> for the isotropic kinds.</param>
/// <param name="Rotation">Radians, counter-clockwise; 0 for the isotropic kinds.</param>
/// <param name="Beta">Shape exponent of the generalised and plateau kinds; ignored otherwise.</param>
/// <param name="Cutoff">Angular cut-off frequency ω_c (radians per pixel) of the sinc kind; ignored otherwise.</param>
public sealed record BlurKernel(
    BlurKernelKind Kind, int Size, double SigmaX = 1, double SigmaY = 1, double Rotation = 0, double Beta = 1, double Cutoff = Math.PI / 2)
{
    public static BlurKernel Isotropic(double sigma, int size = 21) => new(BlurKernelKind.Isotropic, size, sigma, sigma);

    public static BlurKernel Anisotropic(double sigmaX, double sigmaY, double rotation, int size = 21) =>
        new(BlurKernelKind.Anisotropic, size, sigmaX, sigmaY, rotation);

    public static BlurKernel SincLowPass(double cutoff, int size = 21) => new(BlurKernelKind.Sinc, size, Cutoff: cutoff);

    /// <summary>The normalised weights, row-major, <see cref="Size"/> x <see cref="Size"/>.</summary>
    public double[] Weights()
    {
        if (Size < 1 || Size % 2 == 0)
        {
            throw new ArgumentException($"A blur kernel's size must be a positive odd number; got {Size}.");
        }
        var weights = new double[Size * Size];
        var half = Size / 2;
        if (Kind == BlurKernelKind.Sinc)
        {
            for (var y = 0; y < Size; y++)
            {
                for (var x = 0; x < Size; x++)
                {
                    var r = Math.Sqrt((x - half) * (x - half) + (y - half) * (y - half));
                    // Airy pattern: the 2-D inverse transform of a disc of radius ω_c; its centre is the limit r -> 0.
                    weights[y * Size + x] = r == 0 ? Cutoff * Cutoff / (4 * Math.PI) : Cutoff * Bessel.J1(Cutoff * r) / (2 * Math.PI * r);
                }
            }
            return Normalised(weights);
        }
        // Inverse of the rotated covariance U·diag(σx², σy²)·Uᵀ.
        double cos = Math.Cos(Rotation), sin = Math.Sin(Rotation);
        double vx = SigmaX * SigmaX, vy = SigmaY * SigmaY;
        double a = cos * cos * vx + sin * sin * vy, b = cos * sin * (vx - vy), d = sin * sin * vx + cos * cos * vy;
        var determinant = a * d - b * b;
        double ia = d / determinant, ib = -b / determinant, id = a / determinant;
        for (var y = 0; y < Size; y++)
        {
            for (var x = 0; x < Size; x++)
            {
                double dx = x - half, dy = y - half;
                var distance = dx * dx * ia + 2 * dx * dy * ib + dy * dy * id;
                weights[y * Size + x] = Kind switch
                {
                    BlurKernelKind.Isotropic or BlurKernelKind.Anisotropic => Math.Exp(-0.5 * distance),
                    BlurKernelKind.GeneralizedIsotropic or BlurKernelKind.GeneralizedAnisotropic => Math.Exp(-0.5 * Math.Pow(distance, Beta)),
                    BlurKernelKind.PlateauIsotropic or BlurKernelKind.PlateauAnisotropic => 1 / (Math.Pow(distance, Beta) + 1),
                    _ => throw new ArgumentOutOfRangeException(nameof(Kind)),
                };
            }
        }
        return Normalised(weights);
    }

    private static double[] Normalised(double[] weights)
    {
        var total = weights.Sum();
        for (var i = 0; i < weights.Length; i++)
        {
            weights[i] /= total;
        }
        return weights;
    }
}
