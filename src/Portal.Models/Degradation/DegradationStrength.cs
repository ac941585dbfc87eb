namespace Portal.Models.Degradation;

/// <summary>The real-world evaluation track's three published strengths (see <see cref="DegradationPresets"/>).</summary>
public enum DegradationStrength
{
    Light,
    Medium,
    Heavy,
}
