using System.ComponentModel.DataAnnotations;

namespace Portal.Core.Jobs;

/// <summary>Configuration section <c>Jobs</c>: the upscaling worker.</summary>
public sealed class JobOptions
{
    public const string SectionName = "Jobs";

    /// <summary>Run the worker in this process (turn off for a web-only node; run the worker elsewhere).</summary>
    public bool RunWorker { get; set; } = true;

    /// <summary>Jobs run at once by this process. One per GPU; on a CPU the engine already uses every core.</summary>
    [Range(1, 64)]
    public int Concurrency { get; set; } = 1;

    /// <summary>How long a claim lasts without a heartbeat before another worker may take the job over.</summary>
    [Range(5, 3600)]
    public int LeaseSeconds { get; set; } = 60;

    /// <summary>Claims before a job that keeps crashing its worker is failed and refunded.</summary>
    [Range(1, 10)]
    public int MaxAttempts { get; set; } = 3;

    /// <summary>Uploads that no submit used are deleted after this many hours (with their file).</summary>
    [Range(1, 8760)]
    public int UnsubmittedUploadHours { get; set; } = 24;

    /// <summary>How often an idle worker looks for jobs submitted by other processes.</summary>
    [Range(1, 600)]
    public int PollSeconds { get; set; } = 5;
}
