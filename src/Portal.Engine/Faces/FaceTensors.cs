using Portal.Models.Evaluation;

namespace Portal.Engine.Faces;

/// <summary>
/// Builds the square network inputs the way face-api does (NetInput.toBatchTensor): crop, pad the
/// shorter side with black (at the end, or split around the crop), then TF's bilinear resize
/// (align_corners = false, half_pixel_centers = false). Output: planar float [3,size,size] in 0..1.
/// </summary>
internal static class FaceTensors
{
    public static float[] SquareResize(RgbImage image, (int X, int Y, int Width, int Height) crop, int size, bool centre)
    {
        var side = Math.Max(crop.Width, crop.Height);
        var difference = Math.Abs(crop.Width - crop.Height);
        // padToSquare: the appended part is round(diff / 2) when centring (JS rounds .5 up), the rest goes first.
        var before = centre ? difference - (int)Math.Floor(difference * 0.5 + 0.5) : 0;
        var offsetX = crop.Width < crop.Height ? before : 0;
        var offsetY = crop.Height < crop.Width ? before : 0;
        var scale = side / (float)size;
        var area = image.Width * image.Height;
        var output = new float[3 * size * size];
        for (var oy = 0; oy < size; oy++)
        {
            var sy = oy * scale;
            var y0 = (int)MathF.Floor(sy);
            var y1 = Math.Min(y0 + 1, side - 1);
            var fy = sy - y0;
            for (var ox = 0; ox < size; ox++)
            {
                var sx = ox * scale;
                var x0 = (int)MathF.Floor(sx);
                var x1 = Math.Min(x0 + 1, side - 1);
                var fx = sx - x0;
                for (var c = 0; c < 3; c++)
                {
                    var plane = c * area;
                    float Sample(int px, int py)
                    {
                        // Padded-square coordinates to image coordinates; the padding is black.
                        var ix = px - offsetX;
                        var iy = py - offsetY;
                        return ix < 0 || iy < 0 || ix >= crop.Width || iy >= crop.Height ? 0f : image.Planes[plane + (crop.Y + iy) * image.Width + crop.X + ix];
                    }
                    var top = Sample(x0, y0) + (Sample(x1, y0) - Sample(x0, y0)) * fx;
                    var bottom = Sample(x0, y1) + (Sample(x1, y1) - Sample(x0, y1)) * fx;
                    output[(c * size + oy) * size + ox] = top + (bottom - top) * fy;
                }
            }
        }
        return output;
    }
}
