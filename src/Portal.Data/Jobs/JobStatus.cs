namespace Portal.Core.Jobs;

public enum JobStatus
{
    Queued,
    Running,
    Succeeded,
    Failed,
    Canceled,

    /// <summary>Succeeded once; the result was deleted at the end of the plan's retention period.</summary>
    Expired,
}
