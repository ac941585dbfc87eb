using Portal.Engine.Tests.Support;
using Portal.Models.Evaluation;

namespace Portal.Engine.Tests.Degradation;

/// <summary>Centre crops of the committed evaluation photos: real texture for metric and degradation tests.</summary>
internal static class TestPhotos
{
    public static RgbImage Load(string name) => RgbImage.Load(Path.Combine(RepoPaths.Models, "evaluation", "photos", name));

    public static RgbImage Crop(string name, int size) => Crop(Load(name), size, size);

    public static RgbImage Crop(RgbImage image, int width, int height)
    {
        int left = (image.Width - width) / 2, top = (image.Height - height) / 2;
        var planes = new float[3 * width * height];
        for (var c = 0; c < 3; c++)
        {
            for (var y = 0; y < height; y++)
            {
                Array.Copy(image.Planes, c * image.Width * image.Height + (y + top) * image.Width + left, planes, c * width * height + y * width, width);
            }
        }
        return new RgbImage(width, height, planes);
    }
}
