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

    /// <summary>
    /// Every image <paramref name="draws"/> times: the first under its own name, the others as
    /// <c>name~1.png</c>, <c>name~2.png</c>... The real-world tracks seed their degradations from the
    /// name, so each copy gets its own draw of blur, noise and JPEG: on a set of a few images a
    /// mean over several draws tells two models apart where one draw's luck would decide.
    /// </summary>
    public static List<EvaluationImage> WithDraws(IReadOnlyList<EvaluationImage> images, int draws)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(draws, 1);
        return images.SelectMany(image => Enumerable.Range(0, draws).Select(k => k == 0
            ? image
            : image with { Name = $"{Path.GetFileNameWithoutExtension(image.Name)}~{k}{Path.GetExtension(image.Name)}" })).ToList();
    }

    private static string FirstLine(string text) => text.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).FirstOrDefault() ?? text;
}
