using TorchSharp;
using static TorchSharp.torch;

namespace Portal.Training.Losses;

/// <summary>L1 between the 2-D real FFTs (real and imaginary parts) of output and target: penalises lost high frequencies and ringing alike.</summary>
public static class FftLoss
{
    public static Tensor Compute(Tensor output, Tensor target)
    {
        var a = fft.rfft2(output, norm: FFTNormType.Ortho);
        var b = fft.rfft2(target, norm: FFTNormType.Ortho);
        return nn.functional.l1_loss(view_as_real(a), view_as_real(b));
    }
}
