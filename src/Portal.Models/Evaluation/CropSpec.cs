namespace Portal.Models.Evaluation;

/// <summary>A square region of an evaluation original to show side by side from every method.</summary>
/// <param name="Label">What it shows, e.g. "face", "texture", "text"; also the picture's file name.</param>
/// <param name="Left">Left edge in the original's pixels (after its crop to a multiple of the scale).</param>
public sealed record CropSpec(string Label, string ImageName, int Left, int Top, int Size)
{
    /// <summary>Parses "label:image.png:left,top,size", the form the CLI takes.</summary>
    public static CropSpec Parse(string text)
    {
        var parts = text.Split(':');
        var numbers = parts.Length == 3 ? parts[2].Split(',') : [];
        if (parts.Length != 3 || numbers.Length != 3
            || !int.TryParse(numbers[0], out var left) || !int.TryParse(numbers[1], out var top) || !int.TryParse(numbers[2], out var size) || size < 8)
        {
            throw new FormatException($"'{text}' is not a crop: write label:image.png:left,top,size, e.g. face:portrait.png:80,40,96.");
        }
        return new CropSpec(parts[0], parts[1], left, top, size);
    }
}
