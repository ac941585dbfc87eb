using System.Text;

namespace Portal.Engine.Imaging;

/// <summary>Tells the format from the first bytes; the file name's extension is never trusted.</summary>
internal static class FormatSniffer
{
    public const int BytesNeeded = 32;

    public static ImageFormat Sniff(ReadOnlySpan<byte> head)
    {
        if (head.Length >= 3 && head[0] == 0xFF && head[1] == 0xD8 && head[2] == 0xFF)
        {
            return ImageFormat.Jpeg;
        }

        if (head.StartsWith((ReadOnlySpan<byte>)[0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A]))
        {
            return ImageFormat.Png;
        }

        if (head.StartsWith("GIF87a"u8) || head.StartsWith("GIF89a"u8))
        {
            return ImageFormat.Gif;
        }

        if (head.Length >= 12 && head.StartsWith("RIFF"u8) && head[8..12].SequenceEqual("WEBP"u8))
        {
            return ImageFormat.WebP;
        }

        // Classic TIFF ("II*\0", "MM\0*") and BigTIFF ("II+\0", "MM\0+").
        if (head.Length >= 4 &&
            ((head[0] == 'I' && head[1] == 'I' && (head[2] == 42 || head[2] == 43) && head[3] == 0) ||
             (head[0] == 'M' && head[1] == 'M' && head[2] == 0 && (head[3] == 42 || head[3] == 43))))
        {
            return ImageFormat.Tiff;
        }

        if (IsAvif(head))
        {
            return ImageFormat.Avif;
        }

        return ImageFormat.Unknown;
    }

    /// <summary>ISO-BMFF "ftyp" box whose major or a compatible brand is avif/avis.</summary>
    private static bool IsAvif(ReadOnlySpan<byte> head)
    {
        if (head.Length < 16 || !head[4..8].SequenceEqual("ftyp"u8))
        {
            return false;
        }

        var boxSize = (head[0] << 24) | (head[1] << 16) | (head[2] << 8) | head[3];
        var end = Math.Min(head.Length, boxSize <= 0 ? head.Length : boxSize);
        for (var i = 8; i + 4 <= end; i += 4)
        {
            if (i == 12)
            {
                continue; // minor version, not a brand
            }

            var brand = Encoding.ASCII.GetString(head[i..(i + 4)]);
            if (brand is "avif" or "avis")
            {
                return true;
            }
        }

        return false;
    }
}
