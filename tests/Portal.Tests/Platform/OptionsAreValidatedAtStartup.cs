using Microsoft.Extensions.Options;
using Portal.Tests.Infrastructure;

namespace Portal.Tests.Platform;

public sealed class OptionsAreValidatedAtStartup
{
    [Theory]
    [InlineData("Billing:Tiers:0:MonthlyPriceCents", "500", "exactly one free tier")]
    [InlineData("Billing:Tiers:1:Scales:0", "5", "scales must be 2, 3, 4 or 8")]
    [InlineData("Email:FromAddress", "not-an-address", "FromAddress")]
    [InlineData("Database:Provider", "SqlServer", "ConnectionString is required")]
    public void A_bad_setting_stops_the_portal_with_a_message_naming_it(string key, string value, string expected)
    {
        using var factory = new PortalFactory();
        factory.Settings[key] = value;

        var error = Assert.ThrowsAny<Exception>(() => factory.CreateClient());

        var messages = Flatten(error).Select(e => $"{e.GetType().Name}: {e.Message}").ToList();
        Assert.Contains(messages, m => m.StartsWith(nameof(OptionsValidationException), StringComparison.Ordinal) && m.Contains(expected, StringComparison.Ordinal));
    }

    private static IEnumerable<Exception> Flatten(Exception error)
    {
        yield return error;
        var inner = error is AggregateException aggregate ? aggregate.InnerExceptions : error.InnerException is { } one ? [one] : [];
        foreach (var child in inner.SelectMany(Flatten))
        {
            yield return child;
        }
    }
}
