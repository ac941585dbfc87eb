using System.ComponentModel.DataAnnotations;

namespace Portal.Core.Economics;

/// <summary>Configuration section <c>Economics</c>: what an hour of each kind of worker costs, for the unit economics page.</summary>
public sealed class EconomicsOptions
{
    public const string SectionName = "Economics";

    /// <summary>US dollars per hour of a GPU worker (the whole machine: GPU, host, power); default 1.00.</summary>
    [Range(0.0, 10_000.0)]
    public double GpuHourUsd { get; set; } = 1.00;

    /// <summary>US dollars per hour of a CPU-only worker; default 0.10.</summary>
    [Range(0.0, 10_000.0)]
    public double CpuHourUsd { get; set; } = 0.10;

    /// <summary>How many of the most recent successful jobs the page measures (bounds the query); default 10,000.</summary>
    [Range(1, 1_000_000)]
    public int SampleJobs { get; set; } = 10_000;
}
