namespace Portal.Models;

/// <summary>
/// The quality levels a person can pick. <see cref="Detail"/> is the opt-in GAN style: sharper
/// texture, but it can invent detail and alter faces.
/// </summary>
public enum QualityLevel
{
    Fast,
    Balanced,
    Ultra,
    Detail,
}
