using System.Security.Cryptography;

namespace Portal.Core.Storage;

/// <summary>Random, unguessable keys inside the owner's folder (so deleting an account deletes its files).</summary>
public static class StorageKeys
{
    public static string Upload(string userId, string extension) => Make(userId, "uploads", extension);

    public static string Result(string userId, string extension) => Make(userId, "results", extension);

    public static string Thumbnail(string userId) => Make(userId, "thumbnails", ".webp");

    private static string Make(string userId, string kind, string extension)
    {
        var user = Guid.Parse(userId).ToString("N");
        var name = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16));
        return $"users/{user}/{kind}/{name}{extension}";
    }
}
