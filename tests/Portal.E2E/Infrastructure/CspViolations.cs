using System.Collections.Concurrent;
using System.Reflection;
using Microsoft.Playwright;
using Xunit.Sdk;

// Every browser test fails when a page logged a Content Security Policy violation.
[assembly: Portal.E2E.Infrastructure.FailOnCspViolations]

namespace Portal.E2E.Infrastructure;

/// <summary>
/// Collects the Content Security Policy violations of every browser context the tests open: the page's own
/// <c>securitypolicyviolation</c> events (reported through the console) and Chromium's console errors about
/// the policy. The policy is enforced, not report-only, so a violation is also something that did not work.
/// </summary>
public static class CspViolations
{
    private const string Marker = "Content Security Policy";

    private static readonly ConcurrentQueue<string> Logged = new();

    /// <summary>Turns the event into a console error, so one listener sees both kinds of report.</summary>
    private const string ListenScript =
        "document.addEventListener('securitypolicyviolation', e => console.error(" +
        "`" + Marker + " violation: ${e.effectiveDirective} blocked ${e.blockedURI || 'inline'} in ${e.documentURI} (${e.sourceFile}:${e.lineNumber}) ${e.disposition}`));";

    public static async Task WatchAsync(IBrowserContext context)
    {
        await context.AddInitScriptAsync(ListenScript);
        context.Console += (_, message) =>
        {
            if (message.Text.Contains(Marker, StringComparison.OrdinalIgnoreCase))
            {
                Logged.Enqueue($"{message.Page?.Url}: {message.Text}");
            }
        };
    }

    /// <summary>Everything logged since the last call.</summary>
    public static IReadOnlyList<string> Drain()
    {
        var drained = new List<string>();
        while (Logged.TryDequeue(out var violation))
        {
            drained.Add(violation);
        }

        return drained;
    }
}

/// <summary>Fails the test after it ran when any page it opened logged a CSP violation.</summary>
[AttributeUsage(AttributeTargets.Assembly | AttributeTargets.Class | AttributeTargets.Method)]
public sealed class FailOnCspViolationsAttribute : BeforeAfterTestAttribute
{
    public override void Before(MethodInfo methodUnderTest) => CspViolations.Drain();

    public override void After(MethodInfo methodUnderTest)
    {
        var violations = CspViolations.Drain();
        if (violations.Count > 0)
        {
            throw new InvalidOperationException($"{methodUnderTest.Name}: {violations.Count} Content Security Policy violation(s):\n" + string.Join("\n", violations));
        }
    }
}
