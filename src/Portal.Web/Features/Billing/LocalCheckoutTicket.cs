namespace Portal.Web.Features.Billing;

/// <summary>
/// What the local test checkout is paying for. Travels to the browser data-protected, so it cannot be
/// forged or edited; <see cref="Kind"/> is <c>subscription</c>, <c>pack</c> or <c>cancel</c>.
/// </summary>
public sealed record LocalCheckoutTicket(string SessionId, string UserId, string CustomerId, string Kind, string ItemId, DateTimeOffset ExpiresAt);
