namespace Portal.Web.Features.Billing;

/// <summary>Where to send the browser next, or why not.</summary>
public sealed record CheckoutStart(string? Url, string? Error)
{
    public static CheckoutStart Refused(string error) => new(null, error);

    public static CheckoutStart GoTo(string url) => new(url, null);
}
