using Microsoft.EntityFrameworkCore.Storage;

namespace Portal.Tests.Infrastructure;

/// <summary>
/// A retrying execution strategy for SQLite, standing in for SQL Server's <c>EnableRetryOnFailure</c>. Because it
/// retries (<see cref="ExecutionStrategy.RetriesOnFailure"/> is true), EF Core refuses any transaction opened outside
/// <c>CreateExecutionStrategy().ExecuteAsync</c> exactly as it does on SQL Server, so every test run against the
/// portal proves the production path. It retries the faults <see cref="CommitFaults"/> injects.
/// </summary>
public sealed class RetryingTestStrategy(ExecutionStrategyDependencies dependencies)
    : ExecutionStrategy(dependencies, maxRetryCount: 3, maxRetryDelay: TimeSpan.FromMilliseconds(20))
{
    protected override bool ShouldRetryOn(Exception exception) => exception is TransientCommitFault;
}

/// <summary>What a dropped connection at commit time looks like to the strategy: transient, so the unit is replayed.</summary>
public sealed class TransientCommitFault() : Exception("Injected transient fault at commit.");
