using Portal.Engine.Imaging;

namespace Portal.Core.Uploads;

/// <summary>An image a person uploaded. The file lives in storage under a random key; the name is only shown.</summary>
public class StoredImage
{
    public Guid Id { get; set; }

    public required string UserId { get; set; }

    /// <summary>The name the file had on the person's computer, for display and downloads.</summary>
    public required string FileName { get; set; }

    public required string StorageKey { get; set; }

    public ImageFormat Format { get; set; }

    public int Width { get; set; }

    public int Height { get; set; }

    public long SizeBytes { get; set; }

    public DateTime CreatedAt { get; set; }
}
