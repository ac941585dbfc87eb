using System.Security.Claims;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Options;
using Portal.Core.Accounts;
using Portal.Core.Billing;
using Portal.Web.Features.Security;
using Stripe;

namespace Portal.Web.Features.Billing;

/// <summary>The Stripe webhook and the form posts of the billing, test checkout and admin pages.</summary>
public static partial class BillingEndpoints
{
    // Stripe's events are a few kilobytes; anything much larger is not from Stripe.
    private const int MaxWebhookBytes = 512 * 1024;

    public static IEndpointRouteBuilder MapBillingEndpoints(this IEndpointRouteBuilder app)
    {
        app.MapPost("/api/stripe/webhook", ReceiveWebhookAsync).AllowAnonymous().DisableAntiforgery().RequireRateLimiting(PortalRateLimits.Webhook);

        var billing = app.MapGroup("/billing").RequireAuthorization().RequireRateLimiting(PortalRateLimits.Billing);
        billing.MapPost("/checkout", StartCheckoutAsync);
        billing.MapPost("/manage", ManageAsync);
        billing.MapPost("/test-checkout/complete", CompleteTestCheckoutAsync);

        app.MapPost("/admin/credits", AdjustCreditsAsync).RequireAuthorization(p => p.RequireRole(AdminOptions.RoleName));
        return app;
    }

    private static async Task<IResult> ReceiveWebhookAsync(HttpRequest request, WebhookSigningSecret secret, IOptions<StripeOptions> options,
        StripeWebhookProcessor processor, TimeProvider clock, ILoggerFactory loggers, CancellationToken cancellationToken)
    {
        if (request.ContentLength > MaxWebhookBytes)
        {
            return Results.StatusCode(StatusCodes.Status413PayloadTooLarge);
        }

        var signature = request.Headers[StripeSignature.HeaderName].ToString();
        if (string.IsNullOrWhiteSpace(signature))
        {
            return Results.BadRequest(new { error = "Missing Stripe-Signature header." });
        }

        // The signature covers the exact bytes sent: read the raw body, never a re-serialized model.
        using var reader = new StreamReader(request.Body);
        var json = await reader.ReadToEndAsync(cancellationToken);
        Event stripeEvent;
        try
        {
            stripeEvent = EventUtility.ConstructEvent(json, signature, secret.Value,
                options.Value.WebhookToleranceSeconds, clock.GetUtcNow().ToUnixTimeSeconds(), throwOnApiVersionMismatch: false);
        }
        // A missing or malformed header surfaces as other exception types than StripeException: all mean "not from Stripe".
        catch (Exception e) when (e is StripeException or ArgumentException or FormatException or System.Text.Json.JsonException or Newtonsoft.Json.JsonException)
        {
            LogRejected(loggers.CreateLogger(typeof(BillingEndpoints)), e.Message);
            return Results.BadRequest(new { error = "Invalid signature or payload." });
        }

        var outcome = await processor.ProcessAsync(stripeEvent, cancellationToken);
        return Results.Ok(new { received = true, outcome });
    }

    private static async Task<IResult> StartCheckoutAsync([FromForm] string kind, [FromForm] string item, [FromForm] string? attempt,
        HttpContext context, CheckoutService checkout, CancellationToken cancellationToken)
    {
        var user = context.User;
        var start = await checkout.StartAsync(user.FindFirstValue(ClaimTypes.NameIdentifier)!, user.Identity?.Name ?? "", kind, item,
            string.IsNullOrWhiteSpace(attempt) ? Guid.NewGuid().ToString("N") : attempt, AppBase(context.Request), cancellationToken);
        return Redirect(start);
    }

    private static async Task<IResult> ManageAsync(HttpContext context, CheckoutService checkout, CancellationToken cancellationToken) =>
        Redirect(await checkout.ManageAsync(context.User.FindFirstValue(ClaimTypes.NameIdentifier)!, AppBase(context.Request), cancellationToken));

    private static async Task<IResult> CompleteTestCheckoutAsync([FromForm] string ticket, HttpContext context, LocalCheckout local, CancellationToken cancellationToken)
    {
        if (!local.IsAvailable)
        {
            return Results.NotFound();
        }

        var read = local.ReadTicket(ticket, context.User.FindFirstValue(ClaimTypes.NameIdentifier)!);
        if (read is null)
        {
            return Redirect(CheckoutStart.Refused("This test checkout has expired or is not yours; start again."));
        }

        var error = await local.CompleteAsync(read, AppBase(context.Request), cancellationToken);
        return error is null
            ? Results.LocalRedirect($"~/billing?checkout={(read.Kind == BillingKinds.Cancel ? "cancelled-subscription" : "success")}")
            : Redirect(CheckoutStart.Refused(error));
    }

    private static async Task<IResult> AdjustCreditsAsync([FromForm] string userId, [FromForm] string email, [FromForm] int amount, [FromForm] string? reason,
        HttpContext context, CreditLedger ledger, CancellationToken cancellationToken)
    {
        var result = await ledger.AdjustAsync(userId, context.User.FindFirstValue(ClaimTypes.NameIdentifier)!, amount, reason ?? "", cancellationToken);
        return Results.LocalRedirect($"~/admin?email={Uri.EscapeDataString(email)}&message={Uri.EscapeDataString(result.Message)}&applied={result.Applied}");
    }

    private static IResult Redirect(CheckoutStart start) =>
        start.Url is not null ? Results.Redirect(start.Url) : Results.LocalRedirect($"~/billing?error={Uri.EscapeDataString(start.Error ?? "")}");

    private static Uri AppBase(HttpRequest request) => new($"{request.Scheme}://{request.Host}{request.PathBase}/");

    [LoggerMessage(Level = LogLevel.Warning, Message = "Stripe webhook rejected: {Reason}")]
    private static partial void LogRejected(ILogger logger, string reason);
}
