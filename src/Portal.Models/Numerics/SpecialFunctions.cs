namespace Portal.Models.Numerics;

/// <summary>Gamma functions (the naturalness metrics, the degradation's Poisson noise) and a symmetric pseudo-inverse.</summary>
internal static class SpecialFunctions
{
    /// <summary>Γ(x) for x &gt; 0 (Lanczos, g = 7; reflection below 0.5).</summary>
    public static double Gamma(double x)
    {
        if (x < 0.5)
        {
            return Math.PI / (Math.Sin(Math.PI * x) * Gamma(1 - x));
        }
        x -= 1;
        var sum = LanczosSum(x);
        var t = x + 7.5;
        return Math.Sqrt(2 * Math.PI) * Math.Pow(t, x + 0.5) * Math.Exp(-t) * sum;
    }

    /// <summary>ln Γ(x) for x ≥ 1 (Lanczos approximation, g = 7, about 15 significant digits).</summary>
    public static double LogGamma(double x)
    {
        x -= 1;
        var sum = LanczosSum(x);
        var t = x + 7.5;
        return 0.5 * Math.Log(2 * Math.PI) + (x + 0.5) * Math.Log(t) - t + Math.Log(sum);
    }

    // The Lanczos series (g = 7, nine terms) at x = z - 1, shared by Γ and ln Γ.
    private static double LanczosSum(double x)
    {
        ReadOnlySpan<double> c =
        [
            0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313,
            -176.61502916214059, 12.507343278686905, -0.13857109526572012, 9.9843695780195716e-6, 1.5056327351493116e-7,
        ];
        var sum = c[0];
        for (var i = 1; i < 9; i++)
        {
            sum += c[i] / (x + i);
        }
        return sum;
    }

    /// <summary>
    /// Moore-Penrose inverse of a symmetric n x n matrix by Jacobi eigen-decomposition, dropping
    /// eigenvalues below n·eps·max (MATLAB's pinv tolerance): covariances of few patches are singular.
    /// </summary>
    public static double[,] SymmetricPseudoInverse(double[,] matrix)
    {
        var n = matrix.GetLength(0);
        var a = (double[,])matrix.Clone();
        var v = new double[n, n];
        for (var i = 0; i < n; i++)
        {
            v[i, i] = 1;
        }
        for (var sweep = 0; sweep < 100; sweep++)
        {
            double off = 0;
            for (var p = 0; p < n; p++)
            {
                for (var q = p + 1; q < n; q++)
                {
                    off += a[p, q] * a[p, q];
                }
            }
            if (off < 1e-30)
            {
                break;
            }
            for (var p = 0; p < n; p++)
            {
                for (var q = p + 1; q < n; q++)
                {
                    if (Math.Abs(a[p, q]) < 1e-300)
                    {
                        continue;
                    }
                    var theta = (a[q, q] - a[p, p]) / (2 * a[p, q]);
                    var t = Math.Sign(theta) / (Math.Abs(theta) + Math.Sqrt(theta * theta + 1));
                    if (theta == 0)
                    {
                        t = 1;
                    }
                    var cos = 1 / Math.Sqrt(t * t + 1);
                    var sin = t * cos;
                    for (var k = 0; k < n; k++)
                    {
                        double akp = a[k, p], akq = a[k, q];
                        a[k, p] = cos * akp - sin * akq;
                        a[k, q] = sin * akp + cos * akq;
                    }
                    for (var k = 0; k < n; k++)
                    {
                        double apk = a[p, k], aqk = a[q, k];
                        a[p, k] = cos * apk - sin * aqk;
                        a[q, k] = sin * apk + cos * aqk;
                    }
                    for (var k = 0; k < n; k++)
                    {
                        double vkp = v[k, p], vkq = v[k, q];
                        v[k, p] = cos * vkp - sin * vkq;
                        v[k, q] = sin * vkp + cos * vkq;
                    }
                }
            }
        }
        var largest = Enumerable.Range(0, n).Max(i => Math.Abs(a[i, i]));
        var tolerance = n * 2.220446049250313e-16 * largest;
        var inverse = new double[n, n];
        for (var e = 0; e < n; e++)
        {
            var lambda = a[e, e];
            if (Math.Abs(lambda) <= tolerance)
            {
                continue;
            }
            for (var i = 0; i < n; i++)
            {
                for (var j = 0; j < n; j++)
                {
                    inverse[i, j] += v[i, e] * v[j, e] / lambda;
                }
            }
        }
        return inverse;
    }
}
