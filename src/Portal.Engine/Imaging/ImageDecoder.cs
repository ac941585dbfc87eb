using NetVips;

namespace Portal.Engine.Imaging;

/// <summary>Decodes a checked file into a <see cref="SourceImage"/>.</summary>
internal static class ImageDecoder
{
    private static readonly string[] MetadataFields = ["icc-profile-data", "exif-data", "xmp-data", "iptc-data"];

    public static SourceImage Decode(string path, ImageHeader header, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        var owned = new List<Image>();
        try
        {
            // Truncated files fail instead of coming out with a grey lower half.
            var image = Track(owned, VipsLoader.Open(path, header.Format, Enums.Access.Random, Enums.FailOn.Truncated));
            var metadata = new Dictionary<string, byte[]>();
            foreach (var field in MetadataFields)
            {
                if (image.Contains(field) && image.Get(field) is byte[] blob)
                {
                    metadata[field] = blob;
                }
            }

            image = Track(owned, image.Autorot());

            if (image.Interpretation == Enums.Interpretation.Cmyk)
            {
                // The network works in RGB; the CMYK profile no longer describes the pixels afterwards.
                image = Track(owned, image.IccTransform("srgb", embedded: true, inputProfile: "cmyk", depth: 8));
                metadata.Remove("icc-profile-data");
            }

            Image? alpha = null;
            if (image.HasAlpha())
            {
                alpha = image.ExtractBand(image.Bands - 1);
                owned.Add(alpha);
                image = Track(owned, image.ExtractBand(0, image.Bands - 1));
            }

            var wasGrayscale = image.Bands == 1;
            var is16 = image.Format == Enums.BandFormat.Ushort;
            if (image.Format is not (Enums.BandFormat.Uchar or Enums.BandFormat.Ushort))
            {
                // Float, signed or 32-bit TIFFs: let libvips map them to ordinary 8-bit sRGB.
                image = Track(owned, image.Colourspace(Enums.Interpretation.Srgb));
                image = Track(owned, image.Cast(Enums.BandFormat.Uchar));
                is16 = false;
                if (alpha is not null && alpha.Format != Enums.BandFormat.Uchar)
                {
                    alpha = Track(owned, alpha.Cast(Enums.BandFormat.Uchar));
                }
            }

            if (image.Bands != 3)
            {
                var target = is16 ? Enums.Interpretation.Rgb16 : Enums.Interpretation.Srgb;
                image = Track(owned, image.Colourspace(target));
                if (image.Bands > 3)
                {
                    image = Track(owned, image.ExtractBand(0, 3));
                }
            }

            using var progress = Watch(image, cancellationToken);
            byte[]? pixels8 = null;
            ushort[]? pixels16 = null;
            if (is16)
            {
                pixels16 = image.WriteToMemory<ushort>();
            }
            else
            {
                pixels8 = image.WriteToMemory<byte>();
            }

            cancellationToken.ThrowIfCancellationRequested();
            var keptAlpha = alpha?.CopyMemory();
            return new SourceImage(image.Width, image.Height, pixels8, pixels16, keptAlpha, wasGrayscale, metadata);
        }
        catch (VipsException e) when (!cancellationToken.IsCancellationRequested)
        {
            throw ImageInspector.Damaged(header.Format, e);
        }
        catch (VipsException) when (cancellationToken.IsCancellationRequested)
        {
            throw new OperationCanceledException(cancellationToken);
        }
        finally
        {
            foreach (var image in owned)
            {
                image.Dispose();
            }
        }
    }

    /// <summary>Lets a cancelled job stop libvips mid-evaluation.</summary>
    internal static IDisposable Watch(Image image, CancellationToken cancellationToken)
    {
        if (!cancellationToken.CanBeCanceled)
        {
            return NoOp.Instance;
        }

        return cancellationToken.Register(() => image.SetKill(true));
    }

    private static Image Track(List<Image> owned, Image image)
    {
        owned.Add(image);
        return image;
    }

    private sealed class NoOp : IDisposable
    {
        public static readonly NoOp Instance = new();

        public void Dispose()
        {
        }
    }
}
