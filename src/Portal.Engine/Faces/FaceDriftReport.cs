namespace Portal.Engine.Faces;

/// <summary>The identity drift of every face found in the original (none: the metric does not apply).</summary>
public sealed record FaceDriftReport(IReadOnlyList<FaceDrift> Faces)
{
    public bool HasFaces => Faces.Count > 0;

    /// <summary>Mean descriptor distance over the faces; NaN when there are none.</summary>
    public double Mean => HasFaces ? Faces.Average(f => f.Distance) : double.NaN;

    public double Max => HasFaces ? Faces.Max(f => f.Distance) : double.NaN;
}
