using System.Collections.Concurrent;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Portal.Tests.Billing;

/// <summary>
/// A small in-process Stripe on 127.0.0.1:0 that answers the three POSTs the portal makes (customers, Checkout
/// Sessions, Billing Portal sessions) in Stripe's JSON and records each form and its idempotency key.
/// </summary>
public sealed class FakeStripe : IAsyncDisposable
{
    private readonly WebApplication app;

    private FakeStripe(WebApplication app) => this.app = app;

    public ConcurrentQueue<FakeStripeRequest> Requests { get; } = new();

    public string BaseUrl { get; private set; } = "";

    public static async Task<FakeStripe> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        var app = builder.Build();
        var fake = new FakeStripe(app);
        app.MapPost("/v1/customers", async (HttpRequest request) =>
        {
            var form = await fake.RecordAsync(request);
            return Results.Json(new { id = $"cus_fake_{fake.Requests.Count}", @object = "customer", email = form.GetValueOrDefault("email") });
        });
        app.MapPost("/v1/checkout/sessions", async (HttpRequest request) =>
        {
            var form = await fake.RecordAsync(request);
            var id = $"cs_fake_{fake.Requests.Count}";
            return Results.Json(new
            {
                id,
                @object = "checkout.session",
                mode = form.GetValueOrDefault("mode"),
                customer = form.GetValueOrDefault("customer"),
                client_reference_id = form.GetValueOrDefault("client_reference_id"),
                status = "open",
                url = $"https://checkout.fake-stripe.test/pay/{id}",
            });
        });
        app.MapPost("/v1/billing_portal/sessions", async (HttpRequest request) =>
        {
            var form = await fake.RecordAsync(request);
            return Results.Json(new
            {
                id = "bps_fake",
                @object = "billing_portal.session",
                customer = form.GetValueOrDefault("customer"),
                return_url = form.GetValueOrDefault("return_url"),
                url = "https://billing.fake-stripe.test/session/bps_fake",
            });
        });
        await app.StartAsync();
        fake.BaseUrl = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        return fake;
    }

    public async ValueTask DisposeAsync() => await app.DisposeAsync();

    private async Task<Dictionary<string, string>> RecordAsync(HttpRequest request)
    {
        var form = (await request.ReadFormAsync()).ToDictionary(f => f.Key, f => f.Value.ToString());
        Requests.Enqueue(new FakeStripeRequest(request.Path, form, request.Headers["Idempotency-Key"].ToString(), request.Headers.Authorization.ToString()));
        return form;
    }
}
