namespace Portal.Core.Jobs;

/// <summary>What happened to a submission: the jobs created, or a sentence saying why nothing was.</summary>
public sealed record SubmitResult(IReadOnlyList<Guid> JobIds, string? Error, int Cost, int BalanceAfter)
{
    public bool Succeeded => Error is null;

    public static SubmitResult Refused(string error, int balance) => new([], error, 0, balance);
}
