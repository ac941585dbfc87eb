using System.Security.Cryptography;

namespace Portal.Models.Packages;

/// <summary>Checks a file against an npm Subresource Integrity string (<c>sha512-BASE64</c>).</summary>
public static class NpmIntegrity
{
    public static string Compute(Stream content) => "sha512-" + Convert.ToBase64String(SHA512.HashData(content));

    public static string Compute(string path)
    {
        using var stream = File.OpenRead(path);
        return Compute(stream);
    }

    /// <exception cref="ModelImportException">The file's hash is not the pinned one.</exception>
    public static void Verify(string path, string expectedIntegrity)
    {
        if (!expectedIntegrity.StartsWith("sha512-", StringComparison.Ordinal))
        {
            throw new ModelImportException($"Integrity '{expectedIntegrity}' is not a sha512 Subresource Integrity string.");
        }
        var actual = Compute(path);
        if (!string.Equals(actual, expectedIntegrity, StringComparison.Ordinal))
        {
            var length = new FileInfo(path).Length;
            throw new ModelImportException(
                $"Integrity check failed for {path} ({length:N0} bytes): expected {expectedIntegrity}, got {actual}. " +
                "The tarball is truncated, corrupted or not the pinned version.");
        }
    }
}
