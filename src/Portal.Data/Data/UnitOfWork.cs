using Microsoft.EntityFrameworkCore;

namespace Portal.Core.Data;

/// <summary>
/// One unit of work: the only way the portal opens a transaction. The work runs inside the provider's execution
/// strategy and owns its transaction, so a retrying strategy (SQL Server's retry-on-failure) can replay the whole
/// unit after a transient fault; a transaction opened outside a strategy is refused there. Because a unit may run
/// more than once, the work starts from an empty change tracker each time, reads what it decides on inside the
/// unit, and leaves side effects (events, e-mail, files) to the caller once the unit has committed.
/// Code that writes as part of someone else's unit takes the <see cref="UnitOfWork"/> as a parameter, so joining
/// is always visible in the signature, never implicit.
/// </summary>
public sealed class UnitOfWork
{
    private UnitOfWork(PortalDbContext db) => Db = db;

    public PortalDbContext Db { get; }

    /// <summary>Runs <paramref name="work"/> in a transaction and commits it (pending changes saved first).</summary>
    public static Task<T> RunAsync<T>(PortalDbContext db, Func<UnitOfWork, CancellationToken, Task<T>> work, CancellationToken cancellationToken) =>
        RunAsync(db, work, static _ => true, cancellationToken);

    /// <summary>
    /// Runs <paramref name="work"/> in a transaction; commits when <paramref name="commitIf"/> holds for its result,
    /// otherwise rolls everything back (a refused reservation, say) and still returns the result.
    /// </summary>
    public static async Task<T> RunAsync<T>(PortalDbContext db, Func<UnitOfWork, CancellationToken, Task<T>> work, Func<T, bool> commitIf, CancellationToken cancellationToken)
    {
        if (db.Database.CurrentTransaction is not null)
        {
            throw new InvalidOperationException("A unit of work cannot start inside another one; pass the caller's UnitOfWork instead.");
        }

        var unit = new UnitOfWork(db);
        try
        {
            return await db.Database.CreateExecutionStrategy().ExecuteAsync(async ct =>
            {
                db.ChangeTracker.Clear();
                await using var transaction = await db.Database.BeginTransactionAsync(ct);
                var result = await work(unit, ct);
                if (!commitIf(result))
                {
                    await transaction.RollbackAsync(ct);
                    return result;
                }

                await db.SaveChangesAsync(ct);
                await transaction.CommitAsync(ct);
                return result;
            }, cancellationToken);
        }
        finally
        {
            // Whatever the outcome, nothing of this unit stays tracked to be saved by the next caller of the context.
            db.ChangeTracker.Clear();
        }
    }

    /// <summary>Throws unless this unit belongs to <paramref name="db"/>: a unit cannot span two contexts.</summary>
    public void Require(PortalDbContext db)
    {
        if (!ReferenceEquals(db, Db) || Db.Database.CurrentTransaction is null)
        {
            throw new InvalidOperationException("This step must run inside a unit of work of the same context.");
        }
    }
}
