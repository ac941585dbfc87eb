using Portal.Engine.Inference;

namespace Portal.Engine.Tests.Support;

/// <summary>
/// Networks with a known, small receptive field, to test tiling and I/O without ONNX: a box blur of
/// radius <c>r</c> followed by nearest-neighbour enlargement. With overlap >= r, tiled equals untiled exactly.
/// </summary>
internal sealed class BlurNearestModel(int scale, int radius) : ITileModel
{
    public int Scale { get; } = scale;

    public int Runs { get; private set; }

    public void Run(ReadOnlyMemory<float> input, int width, int height, Memory<float> output, CancellationToken cancellationToken)
    {
        Runs++;
        var src = input.Span;
        var dst = output.Span;
        var ow = width * Scale;
        var oh = height * Scale;
        for (var c = 0; c < 3; c++)
        {
            for (var y = 0; y < height; y++)
            {
                for (var x = 0; x < width; x++)
                {
                    var sum = 0f;
                    var n = 0;
                    for (var dy = -radius; dy <= radius; dy++)
                    {
                        for (var dx = -radius; dx <= radius; dx++)
                        {
                            // Zero padding, like a convolution's: the image border behaves the same tiled or not.
                            var yy = y + dy;
                            var xx = x + dx;
                            if (yy >= 0 && yy < height && xx >= 0 && xx < width)
                            {
                                sum += src[(c * width * height) + (yy * width) + xx];
                            }

                            n++;
                        }
                    }

                    var v = sum / n;
                    for (var sy = 0; sy < Scale; sy++)
                    {
                        for (var sx = 0; sx < Scale; sx++)
                        {
                            dst[(c * ow * oh) + (((y * Scale) + sy) * ow) + (x * Scale) + sx] = v;
                        }
                    }
                }
            }
        }
    }
}
