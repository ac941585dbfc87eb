using Portal.Models.Onnx;

namespace Portal.Models.Quantization;

/// <summary>Reads an int8 (QDQ) model made elsewhere, e.g. by a quantization-aware run with its trained ranges.</summary>
public static class QuantizedModelFile
{
    /// <summary>The model as a <see cref="QuantizedModel"/> when it is already QDQ (its calibration PSNR unknown: NaN); null for a float model.</summary>
    public static QuantizedModel? TryRead(byte[] onnx)
    {
        var graph = OnnxGraph.Read(onnx);
        if (!graph.Nodes.Any(n => n.OpType == "QuantizeLinear"))
        {
            return null;
        }
        var dequantized = graph.Nodes.Where(n => n.OpType == "DequantizeLinear").Select(n => n.Outputs[0]).ToHashSet(StringComparer.Ordinal);
        var convs = graph.Nodes.Where(n => n.OpType == "Conv").ToList();
        var integer = convs.Where(c => dequantized.Contains(c.Inputs[1])).ToList();
        return new QuantizedModel(onnx, integer.Count, convs.Except(integer).Select(c => c.Name).ToList(), double.NaN);
    }
}
