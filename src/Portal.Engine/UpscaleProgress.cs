namespace Portal.Engine;

/// <summary>Progress of one upscale: tiles finished out of the total, and the stage.</summary>
public readonly record struct UpscaleProgress(UpscaleStage Stage, int TilesDone, int TilesTotal)
{
    public double Fraction => TilesTotal == 0 ? 0 : (double)TilesDone / TilesTotal;
}
