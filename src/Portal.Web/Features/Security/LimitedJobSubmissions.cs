using Portal.Core.Billing;
using Portal.Core.Jobs;

namespace Portal.Web.Features.Security;

/// <summary>
/// What the upload page's submit button calls: the account's submit limit first, then the job service. A refused
/// submit touches nothing (no reservation, no job); the uploaded files stay for the next try.
/// </summary>
public sealed class LimitedJobSubmissions(AccountRateLimiter limits, JobService jobs, CreditLedger ledger)
{
    public async Task<SubmitResult> SubmitAsync(string userId, Guid batchId, IReadOnlyList<JobRequest> requests, CancellationToken cancellationToken = default)
    {
        var decision = limits.TryAcquire(PortalRateLimits.Submits, userId);
        if (!decision.Allowed)
        {
            return SubmitResult.Refused(decision.Message!, (await ledger.GetAccountAsync(userId, cancellationToken)).Total);
        }

        return await jobs.SubmitAsync(userId, batchId, requests, cancellationToken);
    }
}
