namespace Portal.Models;

/// <summary>The format a model's pretrained weights arrive in.</summary>
public enum SourceFormat
{
    /// <summary>TensorFlow.js Layers: <c>model.json</c> plus weight shards.</summary>
    TfjsLayers,

    /// <summary>ncnn: a <c>.param</c> text graph plus a <c>.bin</c> weight blob.</summary>
    Ncnn,

    /// <summary>
    /// Trained by this project (<c>portal train</c>): the ONNX file is committed under models/ and the source names the
    /// recipe it was trained from (its SHA-512 as the integrity); there is no package to import it from.
    /// </summary>
    Trained,
}
