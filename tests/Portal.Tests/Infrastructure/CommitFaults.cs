using System.Data.Common;
using Microsoft.EntityFrameworkCore.Diagnostics;

namespace Portal.Tests.Infrastructure;

/// <summary>
/// Fails the next commits, before they reach the database, with a transient fault; counts every commit that went
/// through. One instance per test host.
/// </summary>
public sealed class CommitFaults : DbTransactionInterceptor
{
    private int toFail;
    private int failed;
    private int committed;

    public int Failed => Volatile.Read(ref failed);

    public int Committed => Volatile.Read(ref committed);

    public void FailNextCommits(int count) => Interlocked.Exchange(ref toFail, count);

    public override InterceptionResult TransactionCommitting(DbTransaction transaction, TransactionEventData eventData, InterceptionResult result)
    {
        ThrowIfArmed();
        return result;
    }

    public override ValueTask<InterceptionResult> TransactionCommittingAsync(DbTransaction transaction, TransactionEventData eventData, InterceptionResult result, CancellationToken cancellationToken = default)
    {
        ThrowIfArmed();
        return ValueTask.FromResult(result);
    }

    public override void TransactionCommitted(DbTransaction transaction, TransactionEndEventData eventData) => Interlocked.Increment(ref committed);

    public override Task TransactionCommittedAsync(DbTransaction transaction, TransactionEndEventData eventData, CancellationToken cancellationToken = default)
    {
        Interlocked.Increment(ref committed);
        return Task.CompletedTask;
    }

    private void ThrowIfArmed()
    {
        var left = Volatile.Read(ref toFail);
        while (left > 0)
        {
            if (Interlocked.CompareExchange(ref toFail, left - 1, left) == left)
            {
                Interlocked.Increment(ref failed);
                throw new TransientCommitFault();
            }

            left = Volatile.Read(ref toFail);
        }
    }
}
