namespace Portal.Web.Components.Shared;

/// <summary>One file on the upload page, from the moment it is dropped to its stored image or its rejection.</summary>
public sealed class UploadItem(string localId, string fileName, long sizeBytes, string previewUrl)
{
    public string LocalId { get; } = localId;

    public string FileName { get; } = fileName;

    public long SizeBytes { get; } = sizeBytes;

    public string PreviewUrl { get; } = previewUrl;

    public int Percent { get; set; }

    public Guid? ImageId { get; set; }

    public int Width { get; set; }

    public int Height { get; set; }

    public string? Error { get; set; }

    /// <summary>What the engine detected about the stored file (JPEG compression, noise); null until measured.</summary>
    public Portal.Engine.Imaging.Condition.InputConditionReport? Detected { get; set; }

    public bool Done => ImageId is not null;
}
