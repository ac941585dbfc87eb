namespace Portal.Core.Billing;

/// <summary>How strong (and slow) a network runs a job. Better tiers unlock stronger levels.</summary>
public enum QualityLevel
{
    Fast,
    Balanced,
    Ultra,
}
