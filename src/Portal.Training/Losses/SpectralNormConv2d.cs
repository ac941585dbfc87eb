using static TorchSharp.torch;

namespace Portal.Training.Losses;

/// <summary>
/// A conv whose weight is divided by its largest singular value, estimated by one power-iteration
/// step per training forward (as PyTorch's spectral_norm). Keeps the discriminator
/// 1-Lipschitz so the GAN loss does not explode.
/// </summary>
public sealed class SpectralNormConv2d : nn.Module<Tensor, Tensor>
{
    private readonly TorchSharp.Modules.Parameter weight;
    private readonly TorchSharp.Modules.Parameter? bias;
    private readonly Tensor u;
    private readonly long stride;
    private readonly long padding;

    public SpectralNormConv2d(long inChannels, long outChannels, long kernel, long stride = 1, long padding = 1, bool hasBias = true) : base("sn_conv")
    {
        using var conv = nn.Conv2d(inChannels, outChannels, kernel, stride: stride, padding: padding, bias: hasBias);
        weight = nn.Parameter(conv.weight!.detach().clone());
        bias = hasBias ? nn.Parameter(conv.bias!.detach().clone()) : null;
        u = nn.functional.normalize(randn(outChannels), dim: 0);
        (this.stride, this.padding) = (stride, padding);
        RegisterComponents();
    }

    public override Tensor forward(Tensor input)
    {
        using var scope = NewDisposeScope();
        var matrix = weight.reshape(weight.shape[0], -1);
        if (training)
        {
            using var _ = no_grad();
            var v = nn.functional.normalize(matrix.t().mv(u), dim: 0);
            u.copy_(nn.functional.normalize(matrix.mv(v), dim: 0));
        }
        // Snapshots: a later forward updates u in place, and this graph's backward must not see that.
        var uNow = u.detach().clone();
        var vNow = nn.functional.normalize(matrix.t().mv(uNow), dim: 0).detach();
        var sigma = uNow.dot(matrix.mv(vNow));
        return nn.functional.conv2d(input, weight / sigma, bias, strides: [stride, stride], padding: [padding, padding]).MoveToOuterDisposeScope();
    }
}
