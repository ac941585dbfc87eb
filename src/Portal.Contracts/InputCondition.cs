namespace Portal.Models;

/// <summary>
/// What state an input arrives in, as the lineup sees it: <see cref="Clean"/> (camera or lossless
/// quality) or <see cref="Degraded"/> (JPEG-compressed or noisy, where models trained on clean
/// downscales sharpen the artefacts instead of removing them).
/// </summary>
public enum InputCondition
{
    Clean,
    Degraded,
}
