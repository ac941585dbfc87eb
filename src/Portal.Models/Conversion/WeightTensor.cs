using Portal.Models.Onnx;

namespace Portal.Models.Conversion;

/// <summary>
/// A weight as stored in the source: raw little-endian elements of <see cref="StoredType"/>,
/// optionally affine-quantized (value = stored * Scale + Min, as TF.js dequantizes).
/// </summary>
internal sealed record WeightTensor(string Name, int[] Shape, OnnxDataType StoredType, byte[] Raw, float? QuantScale = null, float? QuantMin = null)
{
    public int ElementCount => Shape.Aggregate(1, (product, dim) => product * dim);

    public int ElementSize => StoredType switch
    {
        OnnxDataType.Float => 4,
        OnnxDataType.UInt8 => 1,
        OnnxDataType.UInt16 => 2,
        OnnxDataType.Float16 => 2,
        _ => throw new InvalidOperationException($"Unsupported stored type {StoredType}."),
    };

    /// <summary>The values as float32, dequantized exactly as the source runtime does.</summary>
    public float[] ToFloats()
    {
        var values = new float[ElementCount];
        for (var i = 0; i < values.Length; i++)
        {
            double stored = StoredType switch
            {
                OnnxDataType.Float => BitConverter.ToSingle(Raw, i * 4),
                OnnxDataType.UInt8 => Raw[i],
                OnnxDataType.UInt16 => BitConverter.ToUInt16(Raw, i * 2),
                OnnxDataType.Float16 => (float)BitConverter.ToHalf(Raw, i * 2),
                _ => throw new InvalidOperationException(),
            };
            values[i] = QuantScale is { } scale ? (float)(stored * scale + (QuantMin ?? 0f)) : (float)stored;
        }
        return values;
    }

    /// <summary>Reorders the elements; <paramref name="sourceIndexOf"/> maps a destination index to a source index.</summary>
    public WeightTensor Permute(int[] newShape, Func<int, int> sourceIndexOf)
    {
        var size = ElementSize;
        var raw = new byte[Raw.Length];
        for (var i = 0; i < ElementCount; i++)
        {
            Buffer.BlockCopy(Raw, sourceIndexOf(i) * size, raw, i * size, size);
        }
        return this with { Shape = newShape, Raw = raw };
    }

    /// <summary>
    /// Adds the weight to the graph and returns the float32 value name. Quantized and half
    /// weights stay compact in the file; a Cast (and Mul/Add) turns them into float32, which
    /// ONNX Runtime folds once when the session loads.
    /// </summary>
    public string AddTo(OnnxGraph graph, string valueName)
    {
        var dims = Shape.Select(d => (long)d).ToArray();
        var stored = graph.AddInitializer(new OnnxTensor(valueName, StoredType, dims, Raw));
        if (StoredType == OnnxDataType.Float && QuantScale is null)
        {
            return stored;
        }
        var value = graph.AddNode("Cast", valueName + "_f32", [stored], OnnxAttribute.Of("to", (long)OnnxDataType.Float));
        if (QuantScale is { } scale)
        {
            value = graph.AddNode("Mul", valueName + "_scaled", [value, graph.AddScalar(valueName + "_scale", scale)]);
            value = graph.AddNode("Add", valueName + "_dequantized", [value, graph.AddScalar(valueName + "_min", QuantMin ?? 0f)]);
        }
        return value;
    }

    /// <summary>Keras kernel [kh,kw,Cin,Cout] to ONNX [Cout,Cin,kh,kw].</summary>
    public WeightTensor KerasKernelToOnnx()
    {
        int kh = Shape[0], kw = Shape[1], cin = Shape[2], cout = Shape[3];
        return Permute([cout, cin, kh, kw], index =>
        {
            var x = index % kw;
            var y = index / kw % kh;
            var i = index / (kw * kh) % cin;
            var o = index / (kw * kh * cin);
            return ((y * kw + x) * cin + i) * cout + o;
        });
    }
}
