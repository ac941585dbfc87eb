namespace Portal.Web.Features.Billing;

/// <summary>Values of the <c>kind</c> metadata we put on Checkout Sessions and read back from events.</summary>
public static class BillingKinds
{
    public const string Subscription = "subscription";
    public const string Pack = "pack";
    public const string Cancel = "cancel";
}
