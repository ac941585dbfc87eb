namespace Portal.Models.Conversion;

/// <summary>
/// Nearest upsample by s followed by a stride-1 'same' conv equals a conv at the low resolution
/// with s*s times the output channels, then depth-to-space (DCR). Exact, and the large
/// upsampled tensor is never built: the 4x RRDB tail would otherwise hold 64 channels at 16x
/// the input's pixels.
/// </summary>
internal static class UpsampledConvolution
{
    /// <summary>The fused low-resolution kernel and its padding.</summary>
    public sealed record Fused(float[] Kernel, long[] Dims, float[]? Bias, long[] Pads);

    /// <param name="kernel">ONNX layout [cout, cin, kh, kw].</param>
    public static Fused Fuse(float[] kernel, int cout, int cin, int kh, int kw, float[]? bias, int s)
    {
        int ph = kh / 2, pw = kw / 2;
        int loY = FloorDiv(-ph, s), hiY = FloorDiv(s - 1 + ph, s);
        int loX = FloorDiv(-pw, s), hiX = FloorDiv(s - 1 + pw, s);
        int lh = hiY - loY + 1, lw = hiX - loX + 1;
        var fused = new float[s * s * cout * cin * lh * lw]; // [(a*s+b)*cout+c, cin, lh, lw]
        for (var a = 0; a < s; a++)
        {
            for (var b = 0; b < s; b++)
            {
                for (var dy = -ph; dy <= ph; dy++)
                {
                    var ly = FloorDiv(a + dy, s) - loY;
                    for (var dx = -pw; dx <= pw; dx++)
                    {
                        var lx = FloorDiv(b + dx, s) - loX;
                        for (var i = 0; i < cin; i++)
                        {
                            for (var c = 0; c < cout; c++)
                            {
                                var o = (a * s + b) * cout + c;
                                fused[((o * cin + i) * lh + ly) * lw + lx] += kernel[((c * cin + i) * kh + dy + ph) * kw + dx + pw];
                            }
                        }
                    }
                }
            }
        }
        float[]? tiledBias = null;
        if (bias is not null)
        {
            tiledBias = new float[s * s * cout];
            for (var o = 0; o < tiledBias.Length; o++)
            {
                tiledBias[o] = bias[o % cout];
            }
        }
        return new Fused(fused, [s * s * cout, cin, lh, lw], tiledBias, [-loY, -loX, hiY, hiX]);
    }

    private static int FloorDiv(int a, int b) => (int)Math.Floor((double)a / b);
}
