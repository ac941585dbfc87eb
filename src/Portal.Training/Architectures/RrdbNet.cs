using Portal.Models.Onnx;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Portal.Training.Architectures;

/// <summary>
/// RRDBNet (ESRGAN / Real-ESRGAN x4plus: 64 features, 23 blocks, growth 32): residual-in-residual
/// dense blocks at the input resolution, then two nearest x2 upsamples each followed by a conv.
/// For x2 and x1 the input is pixel-unshuffled first, as Real-ESRGAN does, so the body always
/// works at a quarter of the output's width.
/// </summary>
public sealed class RrdbNet : SuperResolutionNetwork
{
    private const float LeakySlope = 0.2f;
    private const float ResidualScale = 0.2f;

    private readonly int scale;
    private readonly Conv2d conv_first;
    private readonly ModuleList<ResidualInResidualBlock> body = new();
    private readonly Conv2d conv_body;
    private readonly Conv2d conv_up1;
    private readonly Conv2d conv_up2;
    private readonly Conv2d conv_hr;
    private readonly Conv2d conv_last;

    public RrdbNet(int features = 64, int blocks = 23, int growth = 32, int scale = 4) : base("rrdbnet")
    {
        if (scale is not (1 or 2 or 4))
        {
            throw new TrainingException($"RRDBNet supports scales 1, 2 and 4, not {scale}.");
        }
        this.scale = scale;
        var inputChannels = 3 * (4 / scale) * (4 / scale);
        conv_first = nn.Conv2d(inputChannels, features, 3, padding: 1);
        for (var i = 0; i < blocks; i++)
        {
            body.Add(new ResidualInResidualBlock(features, growth));
        }
        conv_body = nn.Conv2d(features, features, 3, padding: 1);
        conv_up1 = nn.Conv2d(features, features, 3, padding: 1);
        conv_up2 = nn.Conv2d(features, features, 3, padding: 1);
        conv_hr = nn.Conv2d(features, features, 3, padding: 1);
        conv_last = nn.Conv2d(features, 3, 3, padding: 1);
        RegisterComponents();
    }

    public override int Scale => scale;

    internal override IReadOnlyList<nn.Module> WeightedLayers =>
        [conv_first, .. body.SelectMany(b => b.Convolutions), conv_body, conv_up1, conv_up2, conv_hr, conv_last];

    public override Tensor forward(Tensor input)
    {
        using var scope = NewDisposeScope();
        var x = scale == 4 ? input : nn.functional.pixel_unshuffle(input, 4 / scale);
        var features = conv_first.call(x);
        var trunk = features;
        foreach (var block in body)
        {
            trunk = block.call(trunk);
        }
        features = features + conv_body.call(trunk);
        features = nn.functional.leaky_relu(conv_up1.call(nn.functional.interpolate(features, scale_factor: [2, 2], mode: InterpolationMode.Nearest)), LeakySlope);
        features = nn.functional.leaky_relu(conv_up2.call(nn.functional.interpolate(features, scale_factor: [2, 2], mode: InterpolationMode.Nearest)), LeakySlope);
        return conv_last.call(nn.functional.leaky_relu(conv_hr.call(features), LeakySlope)).MoveToOuterDisposeScope();
    }

    internal override void Export(OnnxGraph graph, string input, OnnxWriter writer, out string output)
    {
        var x = scale == 4 ? input : writer.PixelUnshuffle(input, 4 / scale, "unshuffle");
        var features = writer.Conv(x, conv_first, "conv_first");
        var trunk = features;
        for (var i = 0; i < body.Count; i++)
        {
            trunk = body[i].Export(writer, trunk, $"body.{i}");
        }
        features = writer.Add(features, writer.Conv(trunk, conv_body, "conv_body"), "trunk_add");
        features = writer.LeakyRelu(writer.Conv(writer.NearestUpsample(features, 2, "up1"), conv_up1, "conv_up1"), LeakySlope, "conv_up1.act");
        features = writer.LeakyRelu(writer.Conv(writer.NearestUpsample(features, 2, "up2"), conv_up2, "conv_up2"), LeakySlope, "conv_up2.act");
        output = writer.Conv(writer.LeakyRelu(writer.Conv(features, conv_hr, "conv_hr"), LeakySlope, "conv_hr.act"), conv_last, "conv_last");
    }

    /// <summary>Three dense blocks, scaled by 0.2 and added to the block's input.</summary>
    private sealed class ResidualInResidualBlock : nn.Module<Tensor, Tensor>
    {
        private readonly DenseBlock rdb1;
        private readonly DenseBlock rdb2;
        private readonly DenseBlock rdb3;

        public ResidualInResidualBlock(int features, int growth) : base("rrdb")
        {
            rdb1 = new DenseBlock(features, growth);
            rdb2 = new DenseBlock(features, growth);
            rdb3 = new DenseBlock(features, growth);
            RegisterComponents();
        }

        public IEnumerable<Conv2d> Convolutions => rdb1.Convolutions.Concat(rdb2.Convolutions).Concat(rdb3.Convolutions);

        public override Tensor forward(Tensor input) => rdb3.call(rdb2.call(rdb1.call(input))) * ResidualScale + input;

        public string Export(OnnxWriter writer, string input, string name)
        {
            var x = rdb1.Export(writer, input, name + ".rdb1");
            x = rdb2.Export(writer, x, name + ".rdb2");
            x = rdb3.Export(writer, x, name + ".rdb3");
            return writer.Add(writer.Scale(x, ResidualScale, name + ".scale"), input, name + ".add");
        }
    }

    /// <summary>Five convs, each seeing the concatenation of the input and every earlier output.</summary>
    private sealed class DenseBlock : nn.Module<Tensor, Tensor>
    {
        private readonly ModuleList<Conv2d> convs = new();

        public DenseBlock(int features, int growth) : base("rdb")
        {
            for (var i = 0; i < 4; i++)
            {
                convs.Add(nn.Conv2d(features + i * growth, growth, 3, padding: 1));
            }
            convs.Add(nn.Conv2d(features + 4 * growth, features, 3, padding: 1));
            RegisterComponents();
        }

        public IEnumerable<Conv2d> Convolutions => convs;

        public override Tensor forward(Tensor input)
        {
            var seen = new List<Tensor> { input };
            for (var i = 0; i < 4; i++)
            {
                seen.Add(nn.functional.leaky_relu(convs[i].call(cat(seen, 1)), LeakySlope));
            }
            return convs[4].call(cat(seen, 1)) * ResidualScale + input;
        }

        public string Export(OnnxWriter writer, string input, string name)
        {
            var seen = new List<string> { input };
            for (var i = 0; i < 4; i++)
            {
                var conv = writer.Conv(writer.Concat(seen, $"{name}.cat{i}"), convs[i], $"{name}.conv{i + 1}");
                seen.Add(writer.LeakyRelu(conv, LeakySlope, $"{name}.conv{i + 1}.act"));
            }
            var last = writer.Conv(writer.Concat(seen, $"{name}.cat4"), convs[4], $"{name}.conv5");
            return writer.Add(writer.Scale(last, ResidualScale, $"{name}.scale"), input, $"{name}.add");
        }
    }
}
