using System.Runtime.InteropServices;
using Portal.Engine.Imaging;
using Portal.Engine.Inference;

namespace Portal.Engine.Tiling;

/// <summary>
/// Runs a <see cref="TilePlan"/> through a model and streams the result, one row of tiles (a band)
/// at a time, as interleaved RGB samples. Only one band of output is ever in memory.
/// </summary>
internal static class TiledRunner
{
    /// <summary>Networks are run on at least this many pixels a side; smaller images are edge-padded.</summary>
    public const int MinWindowSide = 8;

    public static void Run(
        SourceImage source,
        ITileModel model,
        TilePlan plan,
        Stream output,
        IProgress<UpscaleProgress>? progress,
        CancellationToken cancellationToken,
        IBandCompositor? compositor = null)
    {
        var s = model.Scale;
        var input = Array.Empty<float>();
        var result = Array.Empty<float>();
        var outRowSamples = plan.ImageWidth * s * 3;
        var done = 0;
        var total = plan.Count;
        progress?.Report(new UpscaleProgress(UpscaleStage.Upscaling, 0, total));

        // One band buffer for the whole image: a fresh one per row would be tens of MB of large-object
        // garbage per band, which the GC lets pile up (measured: 1.4 GB peak for 16384 x 16384 out).
        var maxBandRows = plan.Rows.Max(TilePlan.HeightOf) * s;
        var band8 = source.Is16Bit ? null : new byte[maxBandRows * outRowSamples];
        var band16 = source.Is16Bit ? new ushort[maxBandRows * outRowSamples] : null;
        foreach (var row in plan.Rows)
        {
            var top = TilePlan.TopOf(row);
            var bandSamples = TilePlan.HeightOf(row) * s * outRowSamples;
            foreach (var tile in row)
            {
                cancellationToken.ThrowIfCancellationRequested();
                var w = tile.Window;
                var tw = Math.Max(w.Width, MinWindowSide);
                var th = Math.Max(w.Height, MinWindowSide);
                if (input.Length != 3 * tw * th)
                {
                    // A split first tile runs a smaller shape; the buffers follow the window in use.
                    input = new float[3 * tw * th];
                    result = new float[3 * tw * th * s * s];
                }

                source.ReadTile(w.X, w.Y, w.Width, w.Height, tw, th, input);
                model.Run(input, tw, th, result, cancellationToken);
                var bandOffset = (tile.Core.Y - top) * s * outRowSamples;
                if (band8 is not null)
                {
                    Place(result, tw * s, th * s, tile, s, band8.AsSpan(bandOffset), outRowSamples);
                }
                else
                {
                    Place(result, tw * s, th * s, tile, s, band16!.AsSpan(bandOffset), outRowSamples);
                }

                progress?.Report(new UpscaleProgress(UpscaleStage.Upscaling, ++done, total));
            }

            var bandRows = TilePlan.HeightOf(row) * s;
            if (band8 is not null)
            {
                compositor?.Compose(band8.AsSpan(0, bandSamples), top * s, bandRows, outRowSamples);
                output.Write(band8.AsSpan(0, bandSamples));
            }
            else
            {
                compositor?.Compose(band16.AsSpan(0, bandSamples), top * s, bandRows, outRowSamples);
                output.Write(MemoryMarshal.AsBytes(band16.AsSpan(0, bandSamples)));
            }
        }

        output.Flush();
    }

    /// <summary>Copies the core of a tile's output into the band (starting at the core's first row), clamped to 0..1 and rounded.</summary>
    private static void Place(float[] result, int rw, int rh, Tile tile, int s, Span<byte> band, int bandStride)
    {
        var plane = rw * rh;
        var ox = (tile.Core.X - tile.Window.X) * s;
        var oy = (tile.Core.Y - tile.Window.Y) * s;
        var cw = tile.Core.Width * s;
        var ch = tile.Core.Height * s;
        var bx = tile.Core.X * s * 3;
        for (var y = 0; y < ch; y++)
        {
            var src = ((oy + y) * rw) + ox;
            var dst = (y * bandStride) + bx;
            for (var x = 0; x < cw; x++)
            {
                band[dst++] = To8(result[src + x]);
                band[dst++] = To8(result[plane + src + x]);
                band[dst++] = To8(result[(2 * plane) + src + x]);
            }
        }
    }

    private static void Place(float[] result, int rw, int rh, Tile tile, int s, Span<ushort> band, int bandStride)
    {
        var plane = rw * rh;
        var ox = (tile.Core.X - tile.Window.X) * s;
        var oy = (tile.Core.Y - tile.Window.Y) * s;
        var cw = tile.Core.Width * s;
        var ch = tile.Core.Height * s;
        var bx = tile.Core.X * s * 3;
        for (var y = 0; y < ch; y++)
        {
            var src = ((oy + y) * rw) + ox;
            var dst = (y * bandStride) + bx;
            for (var x = 0; x < cw; x++)
            {
                band[dst++] = To16(result[src + x]);
                band[dst++] = To16(result[plane + src + x]);
                band[dst++] = To16(result[(2 * plane) + src + x]);
            }
        }
    }

    // Networks overshoot 0..1; clamp first, then round (truncating would darken by half a level).
    // NaN falls through both comparisons to 0.
    private static byte To8(float v) => v > 0f ? v < 1f ? (byte)((v * 255f) + 0.5f) : (byte)255 : (byte)0;

    private static ushort To16(float v) => v > 0f ? v < 1f ? (ushort)((v * 65535f) + 0.5f) : (ushort)65535 : (ushort)0;
}
