namespace Portal.Models.Degradation;

/// <summary>Bessel function of the first kind, order one, for the sinc (Airy) kernel.</summary>
internal static class Bessel
{
    /// <summary>
    /// J1 by its power series below |x| = 12 (cancellation there costs under four of double's
    /// sixteen digits) and by Hankel's asymptotic expansion above it.
    /// </summary>
    public static double J1(double x)
    {
        var ax = Math.Abs(x);
        double result;
        if (ax < 12)
        {
            // Σ (-1)^k (x/2)^(2k+1) / (k! (k+1)!)
            var half = ax / 2;
            var term = half;
            result = term;
            for (var k = 1; k < 60; k++)
            {
                term *= -half * half / (k * (k + 1.0));
                result += term;
                if (Math.Abs(term) < 1e-17 * Math.Abs(result))
                {
                    break;
                }
            }
        }
        else
        {
            // J1(x) ≈ sqrt(2/(πx)) (P cos χ - Q sin χ), χ = x - 3π/4, with μ = 4.
            double p = 1, q = 0, term = 1;
            var eightX = 8 * ax;
            for (var k = 1; k < 30; k++)
            {
                var factor = (4.0 - (2 * k - 1) * (2 * k - 1)) / (k * eightX);
                if (Math.Abs(factor) >= 1)
                {
                    break; // the series is asymptotic: stop at its smallest term
                }
                term *= factor;
                if (k % 2 == 1)
                {
                    q += (k / 2 % 2 == 0 ? 1 : -1) * term;
                }
                else
                {
                    p += (k / 2 % 2 == 0 ? 1 : -1) * term;
                }
                if (Math.Abs(term) < 1e-17)
                {
                    break;
                }
            }
            var chi = ax - 0.75 * Math.PI;
            result = Math.Sqrt(2 / (Math.PI * ax)) * (p * Math.Cos(chi) - q * Math.Sin(chi));
        }
        return x < 0 ? -result : result;
    }
}
