using Portal.Models.Analysis;
using static TorchSharp.torch;

namespace Portal.Training.Losses;

/// <summary>
/// The perceptual loss: the MobileNetV2 trunk the deep-feature distance metric runs
/// (models/analysis/mobilenet-v2-features.onnx, read back by <see cref="FeatureTrunk"/> with batch
/// normalisation folded in), rebuilt in TorchSharp with its weights frozen. The loss is the metric's
/// own formula: at each of the four taps, every pixel's channel vector scaled to unit length, the
/// squared difference summed over channels and averaged over the map, summed over the taps. So the
/// training signal and the evaluation agree on what "perceptually close" means; PSNR-Y and the face
/// descriptor stay as independent checks.
/// </summary>
public sealed class FeatureLoss : nn.Module<Tensor, IReadOnlyList<Tensor>>
{
    private const double Epsilon = 1e-10;

    private readonly IReadOnlyList<FeatureLayer> layers;
    private readonly Dictionary<string, Tensor> weights = new(StringComparer.Ordinal);
    private readonly Dictionary<string, Tensor> biases = new(StringComparer.Ordinal);

    public FeatureLoss(IReadOnlyList<FeatureLayer> layers) : base("feature_loss")
    {
        this.layers = layers;
        foreach (var (layer, index) in layers.Where(l => l.Op == "Conv").Select((l, i) => (l, i)))
        {
            var key = $"conv{index}";
            var weight = tensor(layer.Weight!).reshape(layer.WeightDims!);
            var bias = tensor(layer.Bias!);
            // Buffers, not parameters: the optimiser never sees them and they move with .to(device).
            register_buffer(key + "_weight", weight, persistent: false);
            register_buffer(key + "_bias", bias, persistent: false);
            weights[layer.Name] = weight;
            biases[layer.Name] = bias;
        }
        if (!layers.Any(l => l.Op == "Output"))
        {
            throw new TrainingException("The feature network has no output taps; the feature loss needs at least one.");
        }
        eval();
    }

    /// <summary>Loads the committed feature network from the repository's models folder.</summary>
    public static FeatureLoss Load(string modelsDirectory)
    {
        IReadOnlyList<FeatureLayer> layers;
        try
        {
            layers = FeatureTrunk.Read(modelsDirectory);
        }
        catch (Exception error) when (error is IOException or InvalidDataException or KeyNotFoundException)
        {
            throw new TrainingException($"The feature loss needs models/analysis/mobilenet-v2-features.onnx under {modelsDirectory}: {error.Message}", error);
        }
        return new FeatureLoss(layers);
    }

    /// <summary>The taps' activations for a batch of 0..1 RGB images [N,3,H,W], in the network's order.</summary>
    public override IReadOnlyList<Tensor> forward(Tensor input)
    {
        var values = new Dictionary<string, Tensor>(StringComparer.Ordinal);
        var taps = new List<Tensor>();
        foreach (var layer in layers)
        {
            var x = layer.Inputs.Count > 0 ? values[layer.Inputs[0]] : input;
            values[layer.Name] = layer.Op switch
            {
                "Affine" => input * layer.Scale + layer.Offset,
                "Conv" => Convolve(x, layer),
                "Pad" => nn.functional.pad(x, [layer.Pads![1], layer.Pads[3], layer.Pads[0], layer.Pads[2]]),
                "Clip" => x.clamp(0, layer.ClipMax),
                "Add" => x + values[layer.Inputs[1]],
                "Output" => x,
                _ => throw new TrainingException($"Unknown feature layer op '{layer.Op}'."),
            };
            if (layer.Op == "Output")
            {
                taps.Add(x);
            }
        }
        return taps;
    }

    /// <summary>The distance between output and target, averaged over the batch; target features carry no gradient.</summary>
    public Tensor Distance(Tensor output, Tensor target)
    {
        var a = forward(output);
        IReadOnlyList<Tensor> b;
        using (no_grad())
        {
            b = forward(target);
        }
        Tensor? total = null;
        for (var i = 0; i < a.Count; i++)
        {
            var term = (Normalised(a[i]) - Normalised(b[i])).square().sum(1).mean();
            total = total is null ? term : total + term;
        }
        return total!;
    }

    private static Tensor Normalised(Tensor features) => features / (features.square().sum(1, keepdim: true).sqrt() + Epsilon);

    private Tensor Convolve(Tensor x, FeatureLayer layer)
    {
        var pads = layer.Pads!;
        var symmetric = pads[0] == pads[2] && pads[1] == pads[3];
        if (!symmetric)
        {
            x = nn.functional.pad(x, [pads[1], pads[3], pads[0], pads[2]]);
        }
        return nn.functional.conv2d(x, weights[layer.Name], biases[layer.Name], strides: layer.Strides,
            padding: symmetric ? [pads[0], pads[1]] : [0, 0], groups: layer.Group);
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            foreach (var t in weights.Values.Concat(biases.Values))
            {
                t.Dispose();
            }
        }
        base.Dispose(disposing);
    }
}
