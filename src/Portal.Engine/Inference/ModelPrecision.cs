namespace Portal.Engine.Inference;

/// <summary>Which copy of a model the CPU runs.</summary>
public enum ModelPrecision
{
    /// <summary>The calibrated int8 variant when the model has one (about twice as fast on the CPU), else float32.</summary>
    Int8,

    /// <summary>Always the float32 model.</summary>
    Float32,
}
