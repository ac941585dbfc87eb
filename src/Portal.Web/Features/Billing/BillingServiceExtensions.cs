using Microsoft.Extensions.Options;
using Stripe;

namespace Portal.Web.Features.Billing;

/// <summary>Stripe options and client, the webhook processor, checkout and the local test checkout.</summary>
public static class BillingServiceExtensions
{
    public static IServiceCollection AddBilling(this IServiceCollection services)
    {
        services.AddOptions<StripeOptions>().BindConfiguration(StripeOptions.SectionName)
            .Validate(o => !o.UsesStripe() || !string.IsNullOrWhiteSpace(o.WebhookSecret),
                "Stripe:WebhookSecret is required when Stripe:SecretKey is set (webhooks could not be verified).")
            .Validate(o => string.IsNullOrWhiteSpace(o.ApiBase) || Uri.IsWellFormedUriString(o.ApiBase, UriKind.Absolute),
                "Stripe:ApiBase must be an absolute URL.")
            .Validate(o => o.WebhookToleranceSeconds is > 0 and <= 3600, "Stripe:WebhookToleranceSeconds must be 1..3600.")
            .ValidateOnStart();
        services.AddSingleton<WebhookSigningSecret>();
        services.AddHttpClient("stripe");
        services.AddHttpClient(LocalCheckout.SelfClient);
        services.AddSingleton(sp =>
        {
            var options = sp.GetRequiredService<IOptions<StripeOptions>>().Value;
            var http = new SystemNetHttpClient(sp.GetRequiredService<IHttpClientFactory>().CreateClient("stripe"));
            return new StripeClient(new StripeClientOptions
            {
                ApiKey = options.SecretKey,
                ApiBase = string.IsNullOrWhiteSpace(options.ApiBase) ? null : options.ApiBase.TrimEnd('/'),
                HttpClient = http,
            });
        });
        services.AddSingleton<LocalCheckout>();
        services.AddScoped<CheckoutService>();
        services.AddScoped<StripeWebhookProcessor>();
        return services;
    }
}
