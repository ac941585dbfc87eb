namespace Portal.Engine.Tiling;

/// <summary>
/// Changes a band of finished output rows before it is written: the band spans the whole output
/// width, so whatever is drawn across tile borders is drawn once, in output coordinates.
/// </summary>
internal interface IBandCompositor
{
    /// <param name="band">Interleaved RGB, <paramref name="rows"/> rows of <paramref name="rowSamples"/> samples.</param>
    /// <param name="firstRow">The output row the band starts at.</param>
    void Compose(Span<byte> band, int firstRow, int rows, int rowSamples);

    void Compose(Span<ushort> band, int firstRow, int rows, int rowSamples);
}
