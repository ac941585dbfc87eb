using System.Net;
using Portal.Tests.Infrastructure;

namespace Portal.Tests.Billing;

/// <summary>The local test checkout never runs in Production: no tickets, no completion endpoint.</summary>
public sealed class TestCheckoutRefusedInProduction : IDisposable
{
    private readonly BillingFactory factory = new() { Environment = "Production" };

    [Fact]
    public async Task In_Production_without_Stripe_keys_buying_is_refused_and_the_completion_endpoint_is_gone()
    {
        var client = await TestAccounts.CreateLoggedInAsync(factory);
        var billing = await client.GetStringAsync("/billing");
        Assert.Contains("Payments are not configured", billing);

        var start = await BillingForms.SubmitAsync(client, "/billing", "value=\"pro\"");
        Assert.Contains("/billing?error=", start.Headers.Location!.ToString());

        var token = await Uploads.TokenAsync(client);
        var complete = await client.PostAsync("/billing/test-checkout/complete", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["__RequestVerificationToken"] = token,
            ["ticket"] = "anything",
        }));
        Assert.Equal(HttpStatusCode.NotFound, complete.StatusCode);
    }

    public void Dispose() => factory.Dispose();
}
