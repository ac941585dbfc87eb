namespace Portal.Engine;

/// <summary>
/// Reports a part of a job as steps of the whole: the face pass and the main run each count their own
/// tiles, and the job's bar moves once through both.
/// </summary>
internal sealed class OffsetProgress(IProgress<UpscaleProgress>? inner, int offset, int total) : IProgress<UpscaleProgress>
{
    public void Report(UpscaleProgress value) =>
        inner?.Report(value with { TilesDone = offset + value.TilesDone, TilesTotal = total });
}
