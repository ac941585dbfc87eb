using NetVips;

namespace Portal.Models.Evaluation;

/// <summary>An RGB image as planar float32 [3,H,W] in 0..1: the layout the models take.</summary>
public sealed class RgbImage(int width, int height, float[] planes)
{
    public int Width { get; } = width;

    public int Height { get; } = height;

    /// <summary>R plane, then G, then B; row-major.</summary>
    public float[] Planes { get; } = planes;

    public static RgbImage Load(string path)
    {
        using var image = Image.NewFromFile(path, access: Enums.Access.Sequential);
        return FromVips(image);
    }

    /// <summary>Drops alpha, converts to 8-bit sRGB and splits the bands into planes.</summary>
    public static RgbImage FromVips(Image image)
    {
        using var srgb = image.Interpretation == Enums.Interpretation.Srgb ? image.Copy() : image.Colourspace(Enums.Interpretation.Srgb);
        using var rgb = srgb.Bands > 3 ? srgb.ExtractBand(0, 3) : srgb.Bands == 1 ? srgb.Bandjoin(srgb, srgb) : srgb.Copy();
        using var bytes = rgb.Format == Enums.BandFormat.Uchar ? rgb.Copy() : rgb.Cast(Enums.BandFormat.Uchar);
        var pixels = bytes.WriteToMemory<byte>();
        int width = bytes.Width, height = bytes.Height, area = width * height;
        var planes = new float[3 * area];
        for (var i = 0; i < area; i++)
        {
            planes[i] = pixels[i * 3] / 255f;
            planes[area + i] = pixels[i * 3 + 1] / 255f;
            planes[2 * area + i] = pixels[i * 3 + 2] / 255f;
        }
        return new RgbImage(width, height, planes);
    }

    /// <summary>8-bit interleaved RGB: clamp, then round (truncation would bias every pixel down).</summary>
    public byte[] ToBytes()
    {
        var area = Width * Height;
        var bytes = new byte[3 * area];
        for (var i = 0; i < area; i++)
        {
            for (var c = 0; c < 3; c++)
            {
                bytes[i * 3 + c] = ToByte(Planes[c * area + i]);
            }
        }
        return bytes;
    }

    /// <summary>Rounds to 8 bits, as a saved image would be.</summary>
    public RgbImage Quantized()
    {
        var planes = new float[Planes.Length];
        for (var i = 0; i < planes.Length; i++)
        {
            planes[i] = ToByte(Planes[i]) / 255f;
        }
        return new RgbImage(Width, Height, planes);
    }

    public Image ToVips() => Image.NewFromMemory(ToBytes(), Width, Height, 3, Enums.BandFormat.Uchar);

    public void Save(string path)
    {
        using var image = ToVips();
        image.WriteToFile(path);
    }

    public static byte ToByte(float value) => (byte)Math.Clamp(MathF.Round(value * 255f, MidpointRounding.AwayFromZero), 0f, 255f);
}
