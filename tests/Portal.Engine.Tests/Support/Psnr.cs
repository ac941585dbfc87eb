namespace Portal.Engine.Tests.Support;

internal static class Psnr
{
    /// <summary>PSNR in dB over all 8-bit samples; +inf when identical.</summary>
    public static double Of(ReadOnlySpan<byte> a, ReadOnlySpan<byte> b)
    {
        Assert.Equal(a.Length, b.Length);
        double sum = 0;
        for (var i = 0; i < a.Length; i++)
        {
            var d = a[i] - b[i];
            sum += d * d;
        }

        return sum == 0 ? double.PositiveInfinity : 10 * Math.Log10(255.0 * 255.0 / (sum / a.Length));
    }
}
