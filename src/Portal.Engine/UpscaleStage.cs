namespace Portal.Engine;

/// <summary>Where a job is.</summary>
public enum UpscaleStage
{
    Reading,
    LoadingModel,
    Upscaling,
    Writing,
    Done,
}
