using Portal.Models.Onnx;
using static TorchSharp.torch;

namespace Portal.Training.Architectures;

/// <summary>Small helpers that add TorchSharp layers to an ONNX graph with PyTorch-style initializer names.</summary>
internal sealed class OnnxWriter(OnnxGraph graph)
{
    public string Conv(string input, TorchSharp.Modules.Conv2d conv, string name)
    {
        var kernel = conv.weight!;
        var kh = kernel.shape[2];
        var kw = kernel.shape[3];
        var inputs = new List<string> { input, graph.AddInitializer(Floats(name + ".weight", kernel)) };
        if (conv.bias is { } bias)
        {
            inputs.Add(graph.AddInitializer(Floats(name + ".bias", bias)));
        }
        return graph.AddNode("Conv", name, inputs.ToArray(),
            OnnxAttribute.Of("kernel_shape", new[] { kh, kw }),
            OnnxAttribute.Of("pads", new[] { kh / 2, kw / 2, kh / 2, kw / 2 }));
    }

    public string PRelu(string input, TorchSharp.Modules.PReLU prelu, string name)
    {
        var slope = prelu.weight!;
        var count = slope.shape[0];
        var values = slope.detach().cpu().data<float>().ToArray();
        var stored = graph.AddInitializer(OnnxTensor.FromFloats(name + ".weight", count == 1 ? [1] : [count, 1, 1], values));
        return graph.AddNode("PRelu", name, [input, stored]);
    }

    public string LeakyRelu(string input, float slope, string name) =>
        graph.AddNode("LeakyRelu", name, [input], OnnxAttribute.Of("alpha", slope));

    public string Add(string a, string b, string name) => graph.AddNode("Add", name, [a, b]);

    public string Scale(string input, float factor, string name) => graph.AddNode("Mul", name, [input, graph.AddScalar(name + ".factor", factor)]);

    public string Concat(IEnumerable<string> inputs, string name) => graph.AddNode("Concat", name, inputs.ToArray(), OnnxAttribute.Of("axis", 1L));

    /// <summary>PyTorch's pixel_shuffle is ONNX DepthToSpace in CRD mode.</summary>
    public string PixelShuffle(string input, int factor, string name) =>
        graph.AddNode("DepthToSpace", name, [input], OnnxAttribute.Of("blocksize", factor), OnnxAttribute.Of("mode", "CRD"));

    /// <summary>PyTorch's pixel_unshuffle is ONNX SpaceToDepth (which has only the DCR order) with the channels re-ordered.</summary>
    public string PixelUnshuffle(string input, int factor, string name)
    {
        // x [N,C,H,W] -> reshape [N,C,H/f,f,W/f,f] -> transpose [N,C,f,f,H/f,W/f] -> [N,C*f*f,H/f,W/f] (PyTorch's channel order).
        var shape = graph.AddNode("Shape", name + ".shape", [input]);
        var h = Gather(shape, 2, name + ".h");
        var w = Gather(shape, 3, name + ".w");
        var f = graph.AddInitializer(OnnxTensor.FromInt64s(name + ".f", [1], [factor]));
        var hf = graph.AddNode("Div", name + ".hf", [h, f]);
        var wf = graph.AddNode("Div", name + ".wf", [w, f]);
        var n = graph.AddInitializer(OnnxTensor.FromInt64s(name + ".n", [1], [1]));
        var c = graph.AddInitializer(OnnxTensor.FromInt64s(name + ".c", [1], [3]));
        var split = graph.AddNode("Concat", name + ".split_shape", [n, c, hf, f, wf, f], OnnxAttribute.Of("axis", 0L));
        var reshaped = graph.AddNode("Reshape", name + ".split", [input, split]);
        var transposed = graph.AddNode("Transpose", name + ".transpose", [reshaped], OnnxAttribute.Of("perm", new long[] { 0, 1, 3, 5, 2, 4 }));
        var cf = graph.AddInitializer(OnnxTensor.FromInt64s(name + ".cf", [1], [3L * factor * factor]));
        var merged = graph.AddNode("Concat", name + ".merge_shape", [n, cf, hf, wf], OnnxAttribute.Of("axis", 0L));
        return graph.AddNode("Reshape", name, [transposed, merged]);
    }

    /// <summary>Nearest upsampling as PyTorch's interpolate(mode: nearest) computes it.</summary>
    public string NearestUpsample(string input, int factor, string name)
    {
        var scales = graph.AddInitializer(OnnxTensor.FromFloats(name + ".scales", [4], [1f, 1f, factor, factor]));
        return graph.AddNode("Resize", name, [input, "", scales],
            OnnxAttribute.Of("mode", "nearest"),
            OnnxAttribute.Of("coordinate_transformation_mode", "asymmetric"),
            OnnxAttribute.Of("nearest_mode", "floor"));
    }

    private string Gather(string shape, long index, string name)
    {
        var at = graph.AddInitializer(OnnxTensor.FromInt64s(name + ".index", [1], [index]));
        return graph.AddNode("Gather", name, [shape, at], OnnxAttribute.Of("axis", 0L));
    }

    private static OnnxTensor Floats(string name, Tensor value) =>
        OnnxTensor.FromFloats(name, value.shape, value.detach().cpu().contiguous().data<float>().ToArray());
}
