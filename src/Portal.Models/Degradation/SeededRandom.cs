using Portal.Models.Numerics;

namespace Portal.Models.Degradation;

/// <summary>
/// xoshiro256** seeded through SplitMix64, with uniform, normal and Poisson draws. Our own
/// generator rather than <see cref="Random"/>, whose seeded sequence .NET does not promise to keep
/// across versions: a degradation recipe and its seed must give the same bytes on every machine.
/// </summary>
public sealed class SeededRandom
{
    private ulong s0, s1, s2, s3;
    private double? spareNormal;

    public SeededRandom(ulong seed)
    {
        var x = seed;
        s0 = SplitMix(ref x);
        s1 = SplitMix(ref x);
        s2 = SplitMix(ref x);
        s3 = SplitMix(ref x);
    }

    /// <summary>A stable 64-bit seed from text (FNV-1a), e.g. an image name and a strength.</summary>
    public static ulong SeedFrom(string text)
    {
        var hash = 14695981039346656037UL;
        foreach (var c in text)
        {
            hash = (hash ^ c) * 1099511628211UL;
        }
        return hash;
    }

    public ulong NextUInt64()
    {
        var result = RotateLeft(s1 * 5, 7) * 9;
        var t = s1 << 17;
        s2 ^= s0;
        s3 ^= s1;
        s1 ^= s2;
        s0 ^= s3;
        s2 ^= t;
        s3 = RotateLeft(s3, 45);
        return result;
    }

    /// <summary>Uniform in [0, 1) with 53 random bits.</summary>
    public double NextDouble() => (NextUInt64() >> 11) * (1.0 / (1UL << 53));

    public double Uniform(double min, double max) => min + (max - min) * NextDouble();

    public double Uniform(ValueRange range) => Uniform(range.Min, range.Max);

    /// <summary>Uniform integer in [min, max] (both included).</summary>
    public int NextInt(int min, int max) => min + (int)(NextUInt64() % (ulong)(max - min + 1));

    /// <summary>Index drawn with the given (not necessarily normalised) weights.</summary>
    public int Choose(IReadOnlyList<double> weights)
    {
        var total = weights.Sum();
        var u = NextDouble() * total;
        for (var i = 0; i < weights.Count; i++)
        {
            u -= weights[i];
            if (u < 0)
            {
                return i;
            }
        }
        return weights.Count - 1;
    }

    /// <summary>Standard normal (Marsaglia's polar method).</summary>
    public double NextNormal()
    {
        if (spareNormal is { } spare)
        {
            spareNormal = null;
            return spare;
        }
        double u, v, s;
        do
        {
            u = 2 * NextDouble() - 1;
            v = 2 * NextDouble() - 1;
            s = u * u + v * v;
        }
        while (s >= 1 || s == 0);
        var factor = Math.Sqrt(-2 * Math.Log(s) / s);
        spareNormal = v * factor;
        return u * factor;
    }

    /// <summary>
    /// Poisson draw: multiplication of uniforms below a mean of 10, Hörmann's transformed
    /// rejection (PTRS, the method NumPy uses) above it, so large means cost a few draws, not hundreds.
    /// </summary>
    public int NextPoisson(double mean)
    {
        if (mean <= 0)
        {
            return 0;
        }
        if (mean < 10)
        {
            var limit = Math.Exp(-mean);
            var product = NextDouble();
            var count = 0;
            while (product > limit)
            {
                product *= NextDouble();
                count++;
            }
            return count;
        }
        var root = Math.Sqrt(mean);
        var logMean = Math.Log(mean);
        var b = 0.931 + 2.53 * root;
        var a = -0.059 + 0.02483 * b;
        var inverseAlpha = 1.1239 + 1.1328 / (b - 3.4);
        var vr = 0.9277 - 3.6224 / (b - 2);
        while (true)
        {
            var u = NextDouble() - 0.5;
            var v = NextDouble();
            var us = 0.5 - Math.Abs(u);
            var k = Math.Floor((2 * a / us + b) * u + mean + 0.43);
            if (us >= 0.07 && v <= vr)
            {
                return (int)k;
            }
            if (k < 0 || (us < 0.013 && v > us))
            {
                continue;
            }
            if (Math.Log(v) + Math.Log(inverseAlpha) - Math.Log(a / (us * us) + b) <= -mean + k * logMean - SpecialFunctions.LogGamma(k + 1))
            {
                return (int)k;
            }
        }
    }

    private static ulong SplitMix(ref ulong x)
    {
        var z = x += 0x9E3779B97F4A7C15UL;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }

    private static ulong RotateLeft(ulong x, int k) => (x << k) | (x >> (64 - k));
}
