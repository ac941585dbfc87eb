namespace Portal.Models.Analysis;

/// <summary>
/// One step of the feature network's trunk in plain float32, for code that rebuilds the network
/// elsewhere (the training pipeline's feature loss in TorchSharp). Tensors are NCHW.
/// </summary>
/// <param name="Name">The value this step produces; later steps name it in <paramref name="Inputs"/>.</param>
/// <param name="Op">
/// <c>Affine</c>: x * <paramref name="Scale"/> + <paramref name="Offset"/> on the 0..1 RGB input (no inputs);
/// <c>Conv</c>: convolution with batch normalisation folded in (weight [out, in/group, kh, kw], bias [out]);
/// <c>Pad</c>: zero padding; <c>Clip</c>: clamp to 0..<paramref name="ClipMax"/> (ReLU6); <c>Add</c>: sum of two inputs;
/// <c>Output</c>: a feature tap (the distance reads it), identical to its input.
/// </param>
/// <param name="Pads">[top, left, bottom, right] for Conv and Pad.</param>
public sealed record FeatureLayer(
    string Name,
    string Op,
    IReadOnlyList<string> Inputs,
    float[]? Weight = null,
    long[]? WeightDims = null,
    float[]? Bias = null,
    long[]? Strides = null,
    long[]? Pads = null,
    long Group = 1,
    float ClipMax = 0,
    float Scale = 1,
    float Offset = 0);
