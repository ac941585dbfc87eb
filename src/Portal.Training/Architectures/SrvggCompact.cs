using Portal.Models.Onnx;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Portal.Training.Architectures;

/// <summary>
/// SRVGGNetCompact (Real-ESRGAN's compact network: realesr-animevideov3 has 64 features and 16
/// body convolutions, realesrgan-x4fast 64 and 32): conv + PReLU at the input resolution, a last
/// conv to 3*s*s channels, pixel shuffle, plus the nearest-upsampled input, so the body learns
/// only the residual.
/// </summary>
public sealed class SrvggCompact : SuperResolutionNetwork
{
    private readonly ModuleList<nn.Module<Tensor, Tensor>> body = new();
    private readonly int scale;

    public SrvggCompact(int features = 64, int convolutions = 16, int scale = 4) : base("srvgg_compact")
    {
        this.scale = scale;
        body.Add(nn.Conv2d(3, features, 3, padding: 1));
        body.Add(nn.PReLU(features));
        for (var i = 0; i < convolutions; i++)
        {
            body.Add(nn.Conv2d(features, features, 3, padding: 1));
            body.Add(nn.PReLU(features));
        }
        body.Add(nn.Conv2d(features, 3 * scale * scale, 3, padding: 1));
        RegisterComponents();
    }

    public override int Scale => scale;

    internal override IReadOnlyList<nn.Module> WeightedLayers => body.Cast<nn.Module>().ToList();

    public override Tensor forward(Tensor input)
    {
        using var scope = NewDisposeScope();
        var x = input;
        foreach (var layer in body)
        {
            x = layer is PReLU prelu ? Prelu(x, prelu) : layer.call(x);
        }
        var upscaled = nn.functional.pixel_shuffle(x, scale);
        var baseImage = nn.functional.interpolate(input, scale_factor: [scale, scale], mode: InterpolationMode.Nearest);
        return (upscaled + baseImage).MoveToOuterDisposeScope();
    }

    /// <summary>
    /// The same network at a smaller scale that equals this one followed by an area shrink by
    /// <c>Scale / targetScale</c>: the body is copied and the last convolution averages each
    /// ratio x ratio group of sub-pixel outputs per colour (pixel shuffle puts output channel
    /// c*s*s + i*s + j at row offset i, column offset j, so a group is a block of the output). The
    /// nearest-upsampled input the network adds shrinks the same way to a nearest upsample at the
    /// smaller scale. Both parts are linear, so the result is exact before the final clip.
    /// </summary>
    public SrvggCompact AreaShrunk(int targetScale)
    {
        if (targetScale < 1 || targetScale > scale || scale % targetScale != 0)
        {
            throw new TrainingException($"An x{scale} SRVGG-compact can be shrunk only to a scale that divides {scale}; x{targetScale} does not.");
        }
        var last = (Conv2d)body[body.Count - 1];
        var features = (int)last.weight!.shape[1];
        var shrunk = new SrvggCompact(features, (body.Count - 3) / 2, targetScale);
        var ratio = scale / targetScale;
        using var _ = no_grad();
        foreach (var (to, from) in shrunk.body.Take(body.Count - 1).SelectMany(l => l.parameters()).Zip(body.Take(body.Count - 1).SelectMany(l => l.parameters())))
        {
            to.copy_(from);
        }
        var target = (Conv2d)shrunk.body[shrunk.body.Count - 1];
        using var weight = last.weight.reshape(3, targetScale, ratio, targetScale, ratio, features, 3, 3).mean([2, 4]);
        target.weight!.copy_(weight.reshape(target.weight.shape));
        using var bias = last.bias!.reshape(3, targetScale, ratio, targetScale, ratio).mean([2, 4]);
        target.bias!.copy_(bias.reshape(target.bias.shape));
        return shrunk;
    }

    /// <summary>max(x, 0) + a * min(x, 0), the same function as PReLU, built from plain ops.</summary>
    private static Tensor Prelu(Tensor x, PReLU prelu)
    {
        var slope = prelu.weight!.reshape(1, -1, 1, 1);
        return x.clamp_min(0) + slope * x.clamp_max(0);
    }

    internal override void Export(OnnxGraph graph, string input, OnnxWriter writer, out string output)
    {
        var x = input;
        for (var i = 0; i < body.Count; i++)
        {
            x = body[i] switch
            {
                Conv2d conv => writer.Conv(x, conv, $"body.{i}"),
                PReLU prelu => writer.PRelu(x, prelu, $"body.{i}"),
                _ => throw new InvalidOperationException(),
            };
        }
        var shuffled = writer.PixelShuffle(x, scale, "upsampler");
        output = writer.Add(shuffled, writer.NearestUpsample(input, scale, "base"), "residual_add");
    }
}
