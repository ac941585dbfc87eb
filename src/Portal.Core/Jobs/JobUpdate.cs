namespace Portal.Core.Jobs;

/// <summary>A change to a job, pushed to open pages in this process.</summary>
public sealed record JobUpdate(Guid JobId, string UserId, JobStatus Status, int TilesDone, int TilesTotal, string? Error);
