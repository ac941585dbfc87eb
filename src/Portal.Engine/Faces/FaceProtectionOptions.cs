namespace Portal.Engine.Faces;

/// <summary>How "Protect faces" finds faces and blends the faithful network's redraw into a GAN result.</summary>
public sealed record FaceProtectionOptions
{
    /// <summary>Faces whose shorter box side is below this many input pixels are left to the GAN: too small
    /// for either network to change who someone is, and a crowd of them would cost a redraw each.</summary>
    public int MinFaceSize { get; init; } = 24;

    /// <summary>Side of the square the detector sees (a multiple of 32); larger finds smaller faces in big photos, slower.</summary>
    public int DetectorInputSize { get; init; } = 416;

    /// <summary>Larger inputs are shrunk (area average) to this longest side before detection and landmarks:
    /// the detector sees 416 px anyway, and a 40 MP photo as float planes would take 480 MB.</summary>
    public int MaxAnalysisSide { get; init; } = 1280;

    /// <summary>How much each face box grows before it is redrawn, as a fraction of its size (0.6: 30 % on each side),
    /// so forehead, chin and ears are inside and the blend happens in hair and background.</summary>
    public float Margin { get; init; } = 0.6f;

    /// <summary>Width of the blend from the faithful redraw to the GAN result, as a fraction of the region's shorter side.</summary>
    public float Feather { get; init; } = 0.15f;

    /// <summary>Where the detector's ONNX files are (their analysis/ folder's parent); null: the engine's models folder.</summary>
    public string? DetectorModelsDirectory { get; init; }

    public void Validate()
    {
        if (MinFaceSize < 1 || MaxAnalysisSide < 64 || Margin is < 0 or > 4 || Feather is <= 0 or > 0.5f)
        {
            throw new ArgumentOutOfRangeException(nameof(MinFaceSize), "Faces: MinFaceSize must be positive, MaxAnalysisSide at least 64, Margin within 0..4 and Feather within 0..0.5.");
        }

        new FaceDetectorOptions { InputSize = DetectorInputSize }.Validate();
    }
}
