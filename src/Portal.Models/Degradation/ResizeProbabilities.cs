namespace Portal.Models.Degradation;

/// <summary>How often a stage enlarges, shrinks or keeps the size (weights).</summary>
public sealed record ResizeProbabilities(double Up = 0.2, double Down = 0.7, double Keep = 0.1);
