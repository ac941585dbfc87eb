namespace Portal.Models.Degradation;

/// <summary>A resize inside a stage.</summary>
/// <param name="Factor">Target size as a fraction of the ORIGINAL image's size (so 0.25 at x4 is already the final size).</param>
public sealed record ResizeStep(double Factor, ResizeMode Mode);
