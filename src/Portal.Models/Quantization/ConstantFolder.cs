using System.Runtime.InteropServices;
using Portal.Models.Onnx;

namespace Portal.Models.Quantization;

/// <summary>
/// Float values of the graph's constants: float initializers, and the Cast/Mul/Add chains the
/// converters use to keep compact (uint8, uint16, float16) weights in the file.
/// </summary>
internal static class ConstantFolder
{
    public static Dictionary<string, float[]> Fold(OnnxGraph graph)
    {
        var values = new Dictionary<string, float[]>(StringComparer.Ordinal);
        foreach (var tensor in graph.Initializers)
        {
            if (ToFloats(tensor) is { } floats)
            {
                values[tensor.Name] = floats;
            }
        }
        var raw = graph.Initializers.ToDictionary(t => t.Name, StringComparer.Ordinal);
        foreach (var node in graph.Nodes)
        {
            switch (node.OpType)
            {
                case "Cast" when raw.TryGetValue(node.Inputs[0], out var stored) && CastToFloat(stored) is { } cast:
                    values[node.Outputs[0]] = cast;
                    break;
                case "Mul" or "Add" when node.Inputs.All(values.ContainsKey):
                    values[node.Outputs[0]] = Broadcast(values[node.Inputs[0]], values[node.Inputs[1]], node.OpType == "Mul");
                    break;
            }
        }
        return values;
    }

    private static float[]? ToFloats(OnnxTensor tensor) =>
        tensor.DataType == OnnxDataType.Float ? MemoryMarshal.Cast<byte, float>(tensor.RawData).ToArray() : null;

    private static float[]? CastToFloat(OnnxTensor tensor) => tensor.DataType switch
    {
        OnnxDataType.Float => ToFloats(tensor),
        OnnxDataType.UInt8 => tensor.RawData.Select(b => (float)b).ToArray(),
        OnnxDataType.UInt16 => MemoryMarshal.Cast<byte, ushort>(tensor.RawData).ToArray().Select(v => (float)v).ToArray(),
        OnnxDataType.Float16 => MemoryMarshal.Cast<byte, Half>(tensor.RawData).ToArray().Select(v => (float)v).ToArray(),
        _ => null,
    };

    /// <summary>Element-wise with a scalar on either side; the only broadcast the converters emit for constants.</summary>
    private static float[] Broadcast(float[] a, float[] b, bool multiply)
    {
        if (a.Length != b.Length && a.Length != 1 && b.Length != 1)
        {
            throw new InvalidOperationException($"Cannot fold constants of {a.Length} and {b.Length} elements.");
        }
        var length = Math.Max(a.Length, b.Length);
        var result = new float[length];
        for (var i = 0; i < length; i++)
        {
            var x = a[a.Length == 1 ? 0 : i];
            var y = b[b.Length == 1 ? 0 : i];
            result[i] = multiply ? x * y : x + y;
        }
        return result;
    }
}
