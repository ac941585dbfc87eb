namespace Portal.Models;

/// <summary>The format a model's pretrained weights arrive in.</summary>
public enum SourceFormat
{
    /// <summary>TensorFlow.js Layers: <c>model.json</c> plus weight shards.</summary>
    TfjsLayers,

    /// <summary>ncnn: a <c>.param</c> text graph plus a <c>.bin</c> weight blob.</summary>
    Ncnn,
}
