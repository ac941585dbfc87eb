namespace Portal.Core.Jobs;

/// <summary>Small previews for the gallery, made by libvips with shrink-on-load (never decodes the full result).</summary>
public static class JobThumbnail
{
    public const int Size = 360;

    public static void Write(string imagePath, string thumbnailPath)
    {
        using var thumbnail = NetVips.Image.Thumbnail(imagePath, Size, height: Size, size: NetVips.Enums.Size.Down);
        thumbnail.WriteToFile(thumbnailPath, new NetVips.VOption { { "Q", 80 } });
    }
}
