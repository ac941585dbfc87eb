using NetVips;

namespace Portal.Engine.Imaging;

/// <summary>
/// Turns the raw interleaved result on disk into the final file: optional resample to the requested
/// scale, grey and alpha restored, metadata copied, encoded. libvips streams it, so memory stays
/// bounded whatever the output size.
/// </summary>
internal static class ImageEncoder
{
    public static void Encode(
        string rawPath,
        int rawWidth,
        int rawHeight,
        SourceImage source,
        int outWidth,
        int outHeight,
        EncodeOptions options,
        string outputPath,
        CancellationToken cancellationToken)
    {
        VipsRuntime.EnsureInitialized();
        var owned = new List<Image>();
        var temp = outputPath + ".part";
        try
        {
            // A custom source, unlike a file source, is never memory-mapped: libvips streams the
            // intermediate PNG in strips, so resident memory does not grow with the output size.
            using var stream = new FileStream(rawPath, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 20);
            using var streamSource = new SourceCustom();
            streamSource.OnRead += (buffer, length) => stream.Read(buffer, 0, length);
            var image = Track(owned, Image.PngloadSource(streamSource, access: Enums.Access.Sequential, failOn: Enums.FailOn.Error));
            if (image.Width != rawWidth || image.Height != rawHeight)
            {
                throw new InvalidOperationException("The intermediate result has the wrong size.");
            }

            if (rawWidth != outWidth || rawHeight != outHeight)
            {
                image = Track(owned, Resample(image, outWidth, outHeight));
            }

            var keep16 = source.Is16Bit && options.Format == OutputFormat.Png;
            if (source.Is16Bit && !keep16)
            {
                image = Track(owned, To8Bit(image, Enums.Interpretation.Srgb));
            }

            if (source.WasGrayscale)
            {
                image = Track(owned, image.Colourspace(keep16 ? Enums.Interpretation.Grey16 : Enums.Interpretation.Bw));
            }

            if (source.Alpha is { } alphaIn)
            {
                // Alpha is a mask, not a picture: a smooth resize is what people expect from it.
                var alpha = Track(owned, Resample(alphaIn, outWidth, outHeight));
                if (source.Is16Bit && !keep16)
                {
                    alpha = Track(owned, alpha.Cast(Enums.BandFormat.Uchar, shift: true));
                }

                image = Track(owned, image.Bandjoin(alpha));
                if (options.Format == OutputFormat.Jpeg)
                {
                    var white = Enumerable.Repeat(keep16 ? 65535.0 : 255.0, image.Bands - 1).ToArray();
                    image = Track(owned, image.Flatten(background: white));
                    image = Track(owned, image.Cast(Enums.BandFormat.Uchar));
                }
            }

            if (!options.StripMetadata && source.Metadata.Count > 0)
            {
                image = Track(owned, image.Mutate(m =>
                {
                    foreach (var (name, blob) in source.Metadata)
                    {
                        m.Set(NetVips.GValue.BlobType, name, blob);
                    }

                    // The pixels are upright now; without this the copied EXIF would rotate them again.
                    m.Set(NetVips.GValue.GIntType, "orientation", 1);
                }));
            }

            var keep = options.StripMetadata ? Enums.ForeignKeep.None : Enums.ForeignKeep.All;
            using (ImageDecoder.Watch(image, cancellationToken))
            {
                switch (options.Format)
                {
                    case OutputFormat.Jpeg:
                        image.Jpegsave(temp, q: options.Quality, optimizeCoding: true, keep: keep);
                        break;
                    case OutputFormat.WebP:
                        image.Webpsave(temp, q: options.Quality, effort: 4, keep: keep);
                        break;
                    default:
                        // Level 6 is close to 9 in size and much faster on large outputs.
                        image.Pngsave(temp, compression: 6, keep: keep);
                        break;
                }
            }

            cancellationToken.ThrowIfCancellationRequested();
            File.Move(temp, outputPath, overwrite: true);
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

            TryDelete(temp);
        }
    }

    /// <summary>Resizes to exactly <paramref name="width"/> x <paramref name="height"/> with Lanczos3.</summary>
    internal static Image Resample(Image image, int width, int height)
    {
        var sx = (double)width / image.Width;
        var sy = (double)height / image.Height;
        using var resized = image.Resize(sx, kernel: Enums.Kernel.Lanczos3, vscale: sy);
        if (resized.Width == width && resized.Height == height)
        {
            return resized.Copy();
        }

        // Rounding in resize can leave a pixel over or under; pad with the edge, then crop.
        using var padded = resized.Embed(0, 0, Math.Max(width, resized.Width), Math.Max(height, resized.Height), extend: Enums.Extend.Copy);
        return padded.Crop(0, 0, width, height);
    }

    private static Image To8Bit(Image image, Enums.Interpretation interpretation)
    {
        using var cast = image.Cast(Enums.BandFormat.Uchar, shift: true);
        return cast.Copy(interpretation: interpretation);
    }

    private static Image Track(List<Image> owned, Image image)
    {
        owned.Add(image);
        return image;
    }

    internal static void TryDelete(string path)
    {
        try
        {
            File.Delete(path);
        }
        catch (IOException)
        {
            // Best effort: a leftover temp file is harmless.
        }
        catch (UnauthorizedAccessException)
        {
        }
    }
}
