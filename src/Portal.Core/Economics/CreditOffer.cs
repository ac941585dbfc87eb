namespace Portal.Core.Economics;

/// <summary>A way to buy credits: a paid plan's monthly grant or a one-time pack.</summary>
public sealed record CreditOffer(CreditOfferKind Kind, string Id, string Name, int PriceCents, int Credits)
{
    /// <summary>Price of one credit in the billing currency's main unit; credits bought but never spent are not counted.</summary>
    public double RevenuePerCredit => PriceCents / 100.0 / Credits;
}
