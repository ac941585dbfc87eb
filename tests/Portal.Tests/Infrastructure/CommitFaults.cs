using System.Data.Common;
using Microsoft.EntityFrameworkCore.Diagnostics;

namespace Portal.Tests.Infrastructure;

/// <summary>
/// Fails the next commits, before they reach the database, with a transient fault; counts every commit that went
/// through. One instance per test host.
/// </summary>
public sealed class CommitFaults : DbTransactionInterceptor
{
    private int _toFail;
    private int _failed;
    private int _committed;

    public int Failed => Volatile.Read(ref _failed);

    public int Committed => Volatile.Read(ref _committed);

    public void FailNextCommits(int count) => Interlocked.Exchange(ref _toFail, count);

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

    public override void TransactionCommitted(DbTransaction transaction, TransactionEndEventData eventData) => Interlocked.Increment(ref _committed);

    public override Task TransactionCommittedAsync(DbTransaction transaction, TransactionEndEventData eventData, CancellationToken cancellationToken = default)
    {
        Interlocked.Increment(ref _committed);
        return Task.CompletedTask;
    }

    private void ThrowIfArmed()
    {
        var left = Volatile.Read(ref _toFail);
        while (left > 0)
        {
            if (Interlocked.CompareExchange(ref _toFail, left - 1, left) == left)
            {
                Interlocked.Increment(ref _failed);
                throw new TransientCommitFault();
            }

            left = Volatile.Read(ref _toFail);
        }
    }
}
