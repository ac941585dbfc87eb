namespace Portal.Models;

/// <summary>A place in the lineup: the model serves this content type at this quality level (at its own scale).</summary>
public sealed record ModelOffer(ContentType ContentType, QualityLevel QualityLevel);
