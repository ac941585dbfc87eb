namespace Portal.Models;

/// <summary>Where a model's weights come from: a pinned npm package and the file inside it.</summary>
/// <param name="Package">npm package name, e.g. <c>@upscalerjs/esrgan-slim</c>.</param>
/// <param name="Version">Exact package version.</param>
/// <param name="Integrity">The registry's Subresource Integrity string (<c>sha512-...</c>) of the tarball.</param>
/// <param name="Path">The model file inside the package (<c>model.json</c> or ncnn <c>.param</c>).</param>
/// <param name="Format">How to read it.</param>
public sealed record ModelSource(string Package, string Version, string Integrity, string Path, SourceFormat Format);
