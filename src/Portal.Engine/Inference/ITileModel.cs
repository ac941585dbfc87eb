namespace Portal.Engine.Inference;

/// <summary>
/// A network behind the model contract: planar float RGB 0..1 [1,3,H,W] in, [1,3,sH,sW] out.
/// The ONNX session implements it; tests plug in simple stand-ins.
/// </summary>
public interface ITileModel
{
    int Scale { get; }

    /// <summary>Int8 models need wider tile overlaps (their rounding carries border effects further).</summary>
    ModelPrecision Precision => ModelPrecision.Float32;

    /// <summary>Runs one tile. <paramref name="output"/> has length 3 x (Scale x height) x (Scale x width).</summary>
    void Run(ReadOnlyMemory<float> input, int width, int height, Memory<float> output, CancellationToken cancellationToken);
}
