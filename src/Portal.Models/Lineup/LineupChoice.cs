using Portal.Models.Restoration;

namespace Portal.Models.Lineup;

/// <summary>
/// What the lineup answers for one request: the model to run, or <see cref="Refusal"/>, the one
/// sentence every caller (upload page, job service, CLI) shows when the combination is not offered.
/// </summary>
/// <param name="ModelId">The model to run; null when refused.</param>
/// <param name="Condition">The condition whose cell was used (a degraded input falls back to the clean cell where no real-world model is placed).</param>
/// <param name="Refusal">Why nothing runs, naming what is offered; null when a model was chosen.</param>
public sealed record LineupChoice(string? ModelId, InputCondition Condition, string? Refusal)
{
    public bool Offered => ModelId is not null;

    /// <summary>The cell's restoration around the model (a real-world cell's deblocking and mix); null runs the model alone.</summary>
    public RealWorldRestoration? Restoration { get; init; }
}
