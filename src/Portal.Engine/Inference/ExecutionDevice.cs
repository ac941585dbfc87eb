namespace Portal.Engine.Inference;

/// <summary>Where a session runs.</summary>
public enum ExecutionDevice
{
    Cpu,
    Cuda,
}
