using Portal.Models.Analysis;
using Portal.Models.Onnx;
using Portal.Models.Quantization;
using static TorchSharp.torch;

namespace Portal.Training.Losses;

/// <summary>
/// The face-identity metric's recognition network (models/analysis/face-recognition.onnx: face-api's dlib-style
/// ResNet, a 150x150 face to a 128-D descriptor) run in TorchSharp with frozen weights. The graph is read node by
/// node and each operator done as ONNX defines it (conv, the per-channel scale and shift, ReLU, residual adds,
/// pools, zero pads, the final matrix product), with the uint8 weights dequantised once (Cast/Mul/Add folded by
/// <see cref="ConstantFolder"/>). Running the graph as written, instead of folding the scale layers into the
/// convolutions, keeps the float operations in ONNX Runtime's order, so the descriptors agree to ~1e-6.
/// </summary>
public sealed class FaceRecognitionNetwork : nn.Module<Tensor, Tensor>
{
    public const int InputSize = 150;

    private static readonly HashSet<string> KnownOps = new(StringComparer.Ordinal)
    {
        "Sub", "Conv", "Mul", "Add", "Relu", "MaxPool", "AveragePool", "Pad", "GlobalAveragePool", "Flatten", "MatMul", "Identity",
    };

    private readonly string input;
    private readonly string output;
    private readonly List<OnnxNode> steps = [];
    private readonly Dictionary<string, string> bufferNames = new(StringComparer.Ordinal);
    private readonly Dictionary<string, long[]> padding = new(StringComparer.Ordinal);

    public FaceRecognitionNetwork(byte[] onnx) : base("face_recognition")
    {
        var graph = OnnxGraph.Read(onnx);
        var constants = ConstantFolder.Fold(graph);
        var initializers = graph.Initializers.ToDictionary(t => t.Name, StringComparer.Ordinal);
        var producers = graph.Nodes.SelectMany(n => n.Outputs.Select(o => (o, n))).ToDictionary(p => p.o, p => p.n, StringComparer.Ordinal);
        input = graph.Inputs[0].Name;
        output = graph.Outputs[0].Name;
        foreach (var node in graph.Nodes)
        {
            var runtime = node.Inputs.Where(i => i.Length > 0 && !constants.ContainsKey(i) && !initializers.ContainsKey(i)).ToList();
            if (runtime.Count == 0)
            {
                continue; // weight dequantisation on constants, already folded
            }
            if (!KnownOps.Contains(node.OpType))
            {
                throw new TrainingException($"The face recognition network has a {node.OpType} node ('{node.Name}') the TorchSharp rebuild does not know.");
            }
            foreach (var name in node.Inputs.Where(i => i.Length > 0 && constants.ContainsKey(i) && !bufferNames.ContainsKey(i)))
            {
                var key = $"constant{bufferNames.Count}";
                // Buffers, not parameters: the optimiser never sees them and they move with .to(device). Cloned into libtorch's
                // own aligned memory: a tensor over a .NET array has that array's alignment, and the convolutions' matrix
                // products round differently with it (~1e-7), so two loads would differ and a resumed run would not be exact.
                using var values = tensor(constants[name]);
                register_buffer(key, values.reshape(DimsOf(name, initializers, producers)).clone(), persistent: false);
                bufferNames[name] = key;
            }
            if (node.OpType == "Pad")
            {
                var pads = System.Runtime.InteropServices.MemoryMarshal.Cast<byte, long>(initializers[node.Inputs[1]].RawData).ToArray();
                var rank = pads.Length / 2;
                // ONNX lists all begins then all ends, first axis first; torch's pad takes (begin, end) pairs, last axis first.
                padding[node.Outputs[0]] = Enumerable.Range(0, rank).Reverse().SelectMany(axis => new[] { pads[axis], pads[axis + rank] }).ToArray();
            }
            steps.Add(node);
        }
        eval();
    }

    /// <summary>Loads the committed network from the repository's models folder.</summary>
    public static FaceRecognitionNetwork Load(string modelsDirectory)
    {
        try
        {
            return new FaceRecognitionNetwork(File.ReadAllBytes(AnalysisNetworks.PathOf(modelsDirectory, AnalysisNetworks.FaceRecognition)));
        }
        catch (Exception error) when (error is IOException or InvalidDataException or KeyNotFoundException or Portal.Models.ModelImportException)
        {
            throw new TrainingException($"The face identity loss needs models/analysis/face-recognition.onnx under {modelsDirectory}: {error.Message}", error);
        }
    }

    /// <summary>Descriptors [N,128] of faces [N,3,150,150] in 0..1 RGB, as the metric's network computes them.</summary>
    public override Tensor forward(Tensor faces)
    {
        var values = new Dictionary<string, Tensor>(StringComparer.Ordinal) { [input] = faces };
        Tensor Value(string name) => bufferNames.TryGetValue(name, out var key) ? get_buffer(key)! : values[name];
        foreach (var node in steps)
        {
            var x = Value(node.Inputs[0]);
            values[node.Outputs[0]] = node.OpType switch
            {
                "Sub" => x - Value(node.Inputs[1]),
                "Mul" => x * Value(node.Inputs[1]),
                "Add" => x + Value(node.Inputs[1]),
                "Relu" => nn.functional.relu(x),
                "Conv" => nn.functional.conv2d(x, Value(node.Inputs[1]), node.Inputs.Length > 2 ? Value(node.Inputs[2]) : null,
                    strides: Ints(node, "strides") ?? [1, 1], padding: Symmetric(node)),
                "MaxPool" => nn.functional.max_pool2d(x, Ints(node, "kernel_shape")!, Ints(node, "strides")),
                "AveragePool" => nn.functional.avg_pool2d(x, Ints(node, "kernel_shape")!, Ints(node, "strides")),
                "Pad" => nn.functional.pad(x, padding[node.Outputs[0]]),
                "GlobalAveragePool" => x.mean([2, 3], keepdim: true),
                "Flatten" => x.flatten(1),
                "MatMul" => x.matmul(Value(node.Inputs[1])),
                _ => x, // Identity
            };
        }
        return values[output];
    }

    private static long[] Symmetric(OnnxNode node)
    {
        var pads = Ints(node, "pads") ?? [0, 0, 0, 0];
        if (pads.Length != 4 || pads[0] != pads[2] || pads[1] != pads[3] || node.Attributes.Any(a => a.Name == "auto_pad" && a.Text is not (null or "NOTSET")))
        {
            throw new TrainingException($"The face recognition network's conv '{node.Name}' pads asymmetrically; the rebuild supports symmetric pads only.");
        }
        return [pads[0], pads[1]];
    }

    private static long[]? Ints(OnnxNode node, string name) => node.Attributes.FirstOrDefault(a => a.Name == name)?.Ints;

    private static long[] DimsOf(string name, Dictionary<string, OnnxTensor> initializers, Dictionary<string, OnnxNode> producers)
    {
        // Follow the dequantisation chain (Add <- Mul <- Cast) back to the stored tensor, which has the shape.
        while (!initializers.ContainsKey(name))
        {
            name = producers[name].Inputs[0];
        }
        return initializers[name].Dims;
    }
}
