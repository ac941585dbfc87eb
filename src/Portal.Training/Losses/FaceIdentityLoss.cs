using static TorchSharp.torch;

namespace Portal.Training.Losses;

/// <summary>
/// The face identity loss: the face-drift metric's own distance, made differentiable. Both faces go through
/// the metric's input resize (face-api's bilinear, align_corners and half-pixel centres off, as FaceTensors
/// does it in the engine; on a square crop that is one interpolation matrix per axis) to 150x150, then through
/// the frozen recognition network (<see cref="FaceRecognitionNetwork"/>); the loss is the Euclidean distance
/// between the two 128-D descriptors, averaged over the batch. The metric reads the aligned face box; face
/// crops carry a margin around it for the generator's context, and <c>inset</c> cuts it off again.
/// Target descriptors carry no gradient and the network has no parameters: only the generator learns.
/// </summary>
public sealed class FaceIdentityLoss : nn.Module<Tensor, Tensor>
{
    // sqrt has an infinite slope at 0: a tiny floor keeps the gradient finite when a face is reproduced exactly.
    private const double Floor = 1e-12;

    private readonly FaceRecognitionNetwork network;

    public FaceIdentityLoss(FaceRecognitionNetwork network) : base("face_identity_loss")
    {
        this.network = network;
        RegisterComponents();
        eval();
    }

    /// <summary>Loads the committed recognition network from the repository's models folder.</summary>
    public static FaceIdentityLoss Load(string modelsDirectory) => new(FaceRecognitionNetwork.Load(modelsDirectory));

    /// <summary>Descriptors [N,128] of square faces [N,3,S,S] in 0..1 RGB, read from the inner square <paramref name="inset"/> pixels in from each side.</summary>
    public Tensor Descriptors(Tensor faces, int inset = 0) => network.call(SquareResize(faces, inset));

    /// <summary>The descriptors of the whole face images, <see cref="Descriptors"/> with no inset.</summary>
    public override Tensor forward(Tensor faces) => Descriptors(faces);

    /// <summary>Mean Euclidean descriptor distance between output and target faces; the target carries no gradient.</summary>
    public Tensor Distance(Tensor output, Tensor target, int inset = 0)
    {
        Tensor reference;
        using (no_grad())
        {
            reference = Descriptors(target, inset);
        }
        return (Descriptors(output, inset) - reference).square().sum(1).add(Floor).sqrt().mean();
    }

    /// <summary>
    /// face-api's resize of a square crop to 150x150: source = destination x (side / 150), no half-pixel shift,
    /// bilinear between floor and floor + 1 (clamped to the last pixel), as <c>FaceTensors.SquareResize</c>.
    /// </summary>
    public static Tensor SquareResize(Tensor faces, int inset = 0)
    {
        var side = (int)faces.shape[2];
        if (faces.dim() != 4 || faces.shape[3] != side)
        {
            throw new TrainingException($"The face identity loss takes square faces [N,3,S,S]; got [{string.Join(", ", faces.shape)}].");
        }
        if (inset < 0 || side - 2 * inset < 2)
        {
            throw new TrainingException($"An inset of {inset} px leaves no face in a {side} px crop.");
        }
        var inner = side - 2 * inset;
        // Copies in libtorch's own (aligned) memory: a tensor made from a .NET array keeps that array's alignment, and the
        // matrix products then round differently from run to run (~1e-7), which would break exact resume.
        using var cropped = (inset > 0 ? faces[.., .., inset..(side - inset), inset..(side - inset)] : faces).clone();
        using var weights = tensor(Interpolation(inner, FaceRecognitionNetwork.InputSize), dtype: faces.dtype, device: faces.device);
        using var matrix = weights.reshape(FaceRecognitionNetwork.InputSize, inner).clone();
        return matrix.matmul(cropped).matmul(matrix.t());
    }

    private static float[] Interpolation(int side, int size)
    {
        var weights = new float[size * side];
        var scale = side / (float)size;
        for (var o = 0; o < size; o++)
        {
            var s = o * scale;
            var first = (int)MathF.Floor(s);
            var second = Math.Min(first + 1, side - 1);
            var fraction = s - first;
            weights[o * side + first] += 1 - fraction;
            weights[o * side + second] += fraction;
        }
        return weights;
    }
}
