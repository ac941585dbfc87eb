namespace Portal.Engine.Inference;

/// <summary>
/// Two networks of the same scale run on every tile, their outputs mixed pixel by pixel:
/// share x primary + (1 - share) x partner (a real-world cell's mix, see
/// <see cref="Portal.Models.Restoration.RealWorldRestoration"/>). Mixing per tile equals mixing the
/// whole results, since both see the same window. One instance per job: it owns the partner's buffer.
/// </summary>
public sealed class MixedTileModel : ITileModel
{
    private readonly ITileModel primary;
    private readonly ITileModel partner;
    private readonly float share;
    private float[] partnerOutput = [];

    public MixedTileModel(ITileModel primary, ITileModel partner, double share)
    {
        ArgumentNullException.ThrowIfNull(primary);
        ArgumentNullException.ThrowIfNull(partner);
        if (primary.Scale != partner.Scale)
        {
            throw new ArgumentException($"Networks of scale x{primary.Scale} and x{partner.Scale} cannot be mixed.", nameof(partner));
        }

        if (share is < 0 or > 1)
        {
            throw new ArgumentOutOfRangeException(nameof(share), "The primary network's share must be from 0 to 1.");
        }

        this.primary = primary;
        this.partner = partner;
        this.share = (float)share;
    }

    public int Scale => primary.Scale;

    /// <summary>The coarser of the two: an int8 member needs the wider overlap.</summary>
    public ModelPrecision Precision =>
        primary.Precision == ModelPrecision.Int8 || partner.Precision == ModelPrecision.Int8 ? ModelPrecision.Int8 : ModelPrecision.Float32;

    public void Run(ReadOnlyMemory<float> input, int width, int height, Memory<float> output, CancellationToken cancellationToken)
    {
        primary.Run(input, width, height, output, cancellationToken);
        if (partnerOutput.Length != output.Length)
        {
            partnerOutput = new float[output.Length];
        }

        partner.Run(input, width, height, partnerOutput, cancellationToken);
        var mixed = output.Span;
        var rest = 1f - share;
        for (var i = 0; i < mixed.Length; i++)
        {
            mixed[i] = (share * mixed[i]) + (rest * partnerOutput[i]);
        }
    }
}
