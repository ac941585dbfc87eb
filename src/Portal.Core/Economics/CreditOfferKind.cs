namespace Portal.Core.Economics;

public enum CreditOfferKind
{
    Plan,
    Pack,
}
