namespace Portal.Core.Economics;

/// <summary>Measured speed and cost of one network on one device, summed over the sampled jobs.</summary>
public sealed record ModelDeviceThroughput(string ModelId, string Device, int Jobs, double OutputMegapixels, double RunSeconds, double CostUsd)
{
    public double SecondsPerMegapixel => RunSeconds / OutputMegapixels;

    public double CostPerJobUsd => CostUsd / Jobs;
}
