using Portal.Engine.Imaging;
using Portal.Models;

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

    /// <summary>The input condition measured at upload (JPEG tables, noise); null when the file could not be measured.</summary>
    public InputCondition? DetectedCondition { get; set; }

    /// <summary>The IJG quality the file's JPEG tables match, when it has any.</summary>
    public int? DetectedJpegQuality { get; set; }

    /// <summary>Estimated noise standard deviation in grey levels of 255.</summary>
    public double? DetectedNoiseSigma { get; set; }

    public DateTime CreatedAt { get; set; }
}
