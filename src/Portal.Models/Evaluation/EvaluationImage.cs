namespace Portal.Models.Evaluation;

/// <summary>One evaluation original and its file name (which also seeds its degradations).</summary>
public sealed record EvaluationImage(string Name, RgbImage Image)
{
    /// <summary>
    /// Loads every PNG and JPEG of a folder in name order. An image that cannot be decoded is
    /// reported through <paramref name="log"/> and skipped, so one bad file does not stop a long run.
    /// </summary>
    public static List<EvaluationImage> LoadFolder(string folder, Action<string> log)
    {
        var images = new List<EvaluationImage>();
        var files = Directory.GetFiles(folder)
            .Where(f => Path.GetExtension(f).ToLowerInvariant() is ".png" or ".jpg" or ".jpeg")
            .Order(StringComparer.Ordinal);
        foreach (var file in files)
        {
            try
            {
                // Fail on truncation: libvips would otherwise hand back a partly grey picture and a quiet warning.
                using var vips = NetVips.Image.NewFromFile(file, access: NetVips.Enums.Access.Sequential, failOn: NetVips.Enums.FailOn.Truncated);
                images.Add(new EvaluationImage(Path.GetFileName(file), RgbImage.FromVips(vips)));
            }
            catch (Exception error) when (error is NetVips.VipsException or IOException or InvalidDataException)
            {
                log($"Skipping {Path.GetFileName(file)}: it cannot be decoded ({FirstLine(error.Message)}).");
            }
        }
        return images;
    }

    private static string FirstLine(string text) => text.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).FirstOrDefault() ?? text;
}
