using Microsoft.Extensions.Options;

namespace Portal.Tests.Billing;

/// <summary>Bad billing or Stripe settings stop the portal at start-up with a message naming the setting.</summary>
public sealed class BillingSettingsAreValidated
{
    [Theory]
    [InlineData("Billing:Packs:0:Credits", "0", "Billing:Packs 'small'")]
    [InlineData("Billing:Packs:1:Id", "small", "Billing:Packs has the id 'small' more than once")]
    [InlineData("Billing:Tiers:1:RolloverCapCredits", "10", "RolloverCapCredits must be 0 or at least MonthlyCredits")]
    [InlineData("Stripe:SecretKey", "sk_test_without_webhook_secret", "Stripe:WebhookSecret is required")]
    [InlineData("Stripe:ApiBase", "not a url", "Stripe:ApiBase must be an absolute URL")]
    public void A_bad_setting_stops_the_portal(string key, string value, string expected)
    {
        using var factory = new BillingFactory();
        factory.Settings.Remove("Stripe:WebhookSecret");
        factory.Settings[key] = value;

        var error = Assert.ThrowsAny<Exception>(() => factory.CreateClient());

        Assert.Contains(Flatten(error), e => e is OptionsValidationException && e.Message.Contains(expected, StringComparison.Ordinal));
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
