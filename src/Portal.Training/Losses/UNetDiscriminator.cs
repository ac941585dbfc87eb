using static TorchSharp.torch;

namespace Portal.Training.Losses;

/// <summary>
/// Real-ESRGAN's U-Net discriminator with spectral normalisation: three strided downsamples, three
/// bilinear upsamples with skip connections, then a per-pixel realness map, so it judges local
/// texture (a glyph edge, a patch of grass) rather than the whole crop at once.
/// </summary>
public sealed class UNetDiscriminator : nn.Module<Tensor, Tensor>
{
    private const double Slope = 0.2;
    private readonly TorchSharp.Modules.Conv2d conv0;
    private readonly SpectralNormConv2d conv1, conv2, conv3, conv4, conv5, conv6, conv7, conv8;
    private readonly TorchSharp.Modules.Conv2d conv9;

    public UNetDiscriminator(int features = 64) : base("unet_discriminator_sn")
    {
        var f = features;
        conv0 = nn.Conv2d(3, f, 3, padding: 1);
        conv1 = new SpectralNormConv2d(f, f * 2, 4, 2, 1, hasBias: false);
        conv2 = new SpectralNormConv2d(f * 2, f * 4, 4, 2, 1, hasBias: false);
        conv3 = new SpectralNormConv2d(f * 4, f * 8, 4, 2, 1, hasBias: false);
        conv4 = new SpectralNormConv2d(f * 8, f * 4, 3, 1, 1, hasBias: false);
        conv5 = new SpectralNormConv2d(f * 4, f * 2, 3, 1, 1, hasBias: false);
        conv6 = new SpectralNormConv2d(f * 2, f, 3, 1, 1, hasBias: false);
        conv7 = new SpectralNormConv2d(f, f, 3, 1, 1, hasBias: false);
        conv8 = new SpectralNormConv2d(f, f, 3, 1, 1, hasBias: false);
        conv9 = nn.Conv2d(f, 1, 3, padding: 1);
        RegisterComponents();
    }

    public override Tensor forward(Tensor input)
    {
        using var scope = NewDisposeScope();
        static Tensor Act(Tensor t) => nn.functional.leaky_relu(t, Slope);
        static Tensor Up(Tensor t) => nn.functional.interpolate(t, scale_factor: [2, 2], mode: InterpolationMode.Bilinear, align_corners: false);
        var x0 = Act(conv0.call(input));
        var x1 = Act(conv1.call(x0));
        var x2 = Act(conv2.call(x1));
        var x3 = Act(conv3.call(x2));
        var x4 = Act(conv4.call(Up(x3))) + x2;
        var x5 = Act(conv5.call(Up(x4))) + x1;
        var x6 = Act(conv6.call(Up(x5))) + x0;
        var output = conv9.call(Act(conv8.call(Act(conv7.call(x6)))));
        return output.MoveToOuterDisposeScope();
    }
}
