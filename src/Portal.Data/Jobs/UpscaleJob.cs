using Portal.Engine.Imaging;
using Portal.Models;

namespace Portal.Core.Jobs;

/// <summary>
/// One image to upscale with chosen options. The row is the queue: a worker claims it by setting a lease
/// with a conditional update, so any number of workers in any number of processes can share the table.
/// </summary>
public class UpscaleJob
{
    public Guid Id { get; set; }

    public required string UserId { get; set; }

    public Guid ImageId { get; set; }

    /// <summary>Jobs submitted together share a batch id ("7 of 20 done").</summary>
    public Guid BatchId { get; set; }

    /// <summary>The job's place in its batch; (BatchId, BatchIndex) is unique, so a batch can only be submitted once.</summary>
    public int BatchIndex { get; set; }

    public ContentType Content { get; set; }

    public QualityLevel Quality { get; set; }

    public int Scale { get; set; }

    public OutputFormat Format { get; set; }

    public bool StripMetadata { get; set; }

    /// <summary>The input condition the person chose; null for auto (the detected one decides).</summary>
    public InputCondition? RequestedCondition { get; set; }

    /// <summary>What the engine detected on the uploaded file at submission.</summary>
    public InputCondition? DetectedCondition { get; set; }

    /// <summary>The IJG quality the upload's JPEG tables match; null for files without them.</summary>
    public int? DetectedJpegQuality { get; set; }

    /// <summary>The upload's estimated noise sigma, in grey levels of 255.</summary>
    public double? DetectedNoiseSigma { get; set; }

    /// <summary>"Protect faces" as chosen for a GAN style on a photo; null where it does not apply (the network keeps faces anyway).</summary>
    public FaceProtection? FaceProtection { get; set; }

    /// <summary>How many faces the finished job redrew with the faithful network; null until then, or when protection did not run.</summary>
    public int? FacesProtected { get; set; }

    /// <summary>Why protection did not run although it was on (e.g. the face detector could not be loaded); null otherwise.</summary>
    public string? FaceProtectionNote { get; set; }

    /// <summary>The network chosen when the job was submitted.</summary>
    public required string ModelId { get; set; }

    public int Cost { get; set; }

    /// <summary>Higher first: paid tiers before free ones.</summary>
    public int Priority { get; set; }

    public JobStatus Status { get; set; }

    public DateTime CreatedAt { get; set; }

    public DateTime? StartedAt { get; set; }

    public DateTime? CompletedAt { get; set; }

    public string? LeaseOwner { get; set; }

    public DateTime? LeaseExpiresAt { get; set; }

    /// <summary>How many times a worker has claimed the job; bounded so a poisoned image cannot loop forever.</summary>
    public int Attempts { get; set; }

    public bool CancelRequested { get; set; }

    public int TilesDone { get; set; }

    public int TilesTotal { get; set; }

    public string? Error { get; set; }

    public string? ResultKey { get; set; }

    public string? ThumbnailKey { get; set; }

    public int OutputWidth { get; set; }

    public int OutputHeight { get; set; }

    public long ResultBytes { get; set; }

    /// <summary>Time spent running the network and writing the result, in milliseconds.</summary>
    public long? RunMilliseconds { get; set; }

    /// <summary>
    /// Where the network ran, as the engine names it ("Cpu", "Cuda"); null until the job succeeds, and for jobs that
    /// finished before it was recorded. The unit economics page prices run time by it.
    /// </summary>
    public string? Device { get; set; }

    /// <summary>When the result is deleted, from the tier's retention period.</summary>
    public DateTime? ExpiresAt { get; set; }
}
