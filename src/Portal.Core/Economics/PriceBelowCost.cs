using Portal.Models;

namespace Portal.Core.Economics;

/// <summary>A plan or pack whose price per credit is below the measured cost of a credit spent at one quality level.</summary>
public sealed record PriceBelowCost(CreditOffer Offer, QualityLevel Quality, double CostPerCreditUsd);
