using System.Globalization;
using Portal.Engine.Imaging;
using Portal.Engine.Imaging.Condition;
using Portal.Models;

namespace Portal.Engine;

/// <summary>What an upscale will do, worked out from the header alone (no decoding): lets a caller quote and validate first.</summary>
/// <param name="Model">The network that will run.</param>
/// <param name="RequestedScale">The scale asked for.</param>
/// <param name="OutputWidth">Final width (after EXIF orientation and any resample).</param>
/// <param name="OutputHeight">Final height.</param>
/// <param name="Format">The concrete output format.</param>
public sealed record UpscalePlan(
    ImageHeader Header,
    ModelEntry Model,
    int RequestedScale,
    int OutputWidth,
    int OutputHeight,
    OutputFormat Format)
{
    /// <summary>The condition the person asked for; null for auto.</summary>
    public InputCondition? RequestedCondition { get; init; }

    /// <summary>What the engine measured on the file; null when a model was named explicitly.</summary>
    public InputConditionReport? Detected { get; init; }

    /// <summary>The condition the model was chosen for: the requested one, else the detected one.</summary>
    public InputCondition Condition => RequestedCondition ?? Detected?.Condition ?? InputCondition.Clean;

    /// <summary>Whose lineup cell the model came from: degraded when a real-world model serves it; null when a model was named.</summary>
    public InputCondition? ServedCondition { get; init; }

    /// <summary>The real-world cell's deblocking and mix for this input; null when the network runs alone on the file as decoded.</summary>
    public RestorationPlan? Restoration { get; init; }

    /// <summary>True when the network is a GAN-trained photo network, so "Protect faces" applies.</summary>
    public bool FacesApply { get; init; }

    /// <summary>The faithful network that redraws faces; null when protection does not apply or is off.</summary>
    public ModelEntry? FaceModel { get; init; }

    /// <summary>One sentence on the input's condition: what was detected and which one decided.</summary>
    public string DescribeCondition()
    {
        var detected = Detected is null ? "not measured" : Detected.Describe();
        return RequestedCondition is { } requested
            ? $"Input: treated as {requested.ToString().ToLowerInvariant()} as asked (detected {detected})."
            : $"Input: detected {detected}; treated as {Condition.ToString().ToLowerInvariant()}.";
    }

    /// <summary>True when the model's native scale differs from the one asked for and the result is resampled.</summary>
    public bool Resampled => Model.Scale != RequestedScale;

    /// <summary>One sentence for logs and the CLI, saying whether the scale is native or reached by resampling.</summary>
    public string Describe() => (Resampled
        ? string.Create(CultureInfo.InvariantCulture, $"x{RequestedScale} is not a native scale of {Model.Id}: running it at x{Model.Scale}, then resampling by {RequestedScale / (double)Model.Scale:0.###} with Lanczos3.")
        : $"Running {Model.Id} (native x{Model.Scale}).") + ServedBy() + Restored() + FacesPlanned();

    private string Restored() => Restoration is { } r ? $" Input {r.Describe()}." : "";

    private string FacesPlanned() => (FacesApply, FaceModel) switch
    {
        (false, _) => "",
        (true, null) => " Faces are not protected.",
        (true, { } faithful) => $" Faces are redrawn by {faithful.Id}.",
    };

    private string ServedBy() => (ServedCondition, Condition) switch
    {
        (null, _) => "",
        (InputCondition.Degraded, _) => " It is the lineup's real-world model for compressed or noisy inputs.",
        (_, InputCondition.Degraded) => " No real-world model is placed for this combination yet, so the clean lineup's model runs.",
        _ => "",
    };
}
