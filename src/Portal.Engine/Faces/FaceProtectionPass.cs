using System.Diagnostics;
using System.Runtime.InteropServices;
using Portal.Engine.Imaging;
using Portal.Engine.Inference;
using Portal.Engine.Tiling;

namespace Portal.Engine.Faces;

/// <summary>
/// The face pass of a GAN job: find faces on the decoded, upright input, grow and merge them into
/// regions, and redraw each region with the faithful network (tiled like the main run, with the
/// model's overlap of context around the region so its inside matches a whole-image run). The GAN
/// run then blends the redraws in through <see cref="FaceCompositor"/>.
/// </summary>
internal static class FaceProtectionPass
{
    /// <summary>Faces found on <paramref name="source"/>, in its pixels; larger images are searched on an area-averaged copy.</summary>
    public static IReadOnlyList<DetectedFace> Find(SourceImage source, FaceDetector detector, FaceProtectionOptions options, CancellationToken cancellationToken)
    {
        var (image, factor) = source.ToAnalysisImage(options.MaxAnalysisSide);
        var faces = detector.Detect(image, options.MinFaceSize * factor, DetectorSideFor(image, options), cancellationToken);
        return factor == 1f ? faces : faces.Select(f => f.Scale(1f / factor, 1f / factor)).ToList();
    }

    /// <summary>
    /// The detector's input side for an image: the configured side, but never more than the image's longer
    /// side rounded up to 32 (at least 128). Blown up 4x, a small input's faces are too blurred for the tiny
    /// detector: the portrait shrunk to 96 px scores 0.34 at 416 and 0.87 at 128 (docs/MODELS.md).
    /// </summary>
    internal static int DetectorSideFor(Portal.Models.Evaluation.RgbImage image, FaceProtectionOptions options)
    {
        var fitted = Math.Max(128, (Math.Max(image.Width, image.Height) + 31) / 32 * 32);
        return Math.Min(options.DetectorInputSize, fitted);
    }

    /// <summary>
    /// Finds faces and redraws them; reports face tiles as progress out of <paramref name="mainTiles"/> plus
    /// its own. Returns the compositor (null when no face was found) and how many progress steps it used.
    /// </summary>
    public static (FaceCompositor? Compositor, FaceProtectionReport Report, int Steps) Run(
        SourceImage source,
        FaceDetector detector,
        ITileModel faithful,
        string faithfulId,
        FaceProtectionOptions options,
        int tileSize,
        int overlap,
        int mainTiles,
        IProgress<UpscaleProgress>? progress,
        CancellationToken cancellationToken)
    {
        var started = Stopwatch.GetTimestamp();
        var faces = Find(source, detector, options, cancellationToken);
        var detection = Stopwatch.GetElapsedTime(started);
        var regions = FaceRegion.Plan(faces.Select(f => f.Box), source.Width, source.Height, options.Margin);
        var s = faithful.Scale;
        var work = regions.Select(region =>
        {
            var a = region.Area;
            var x = Math.Max(0, a.X - overlap);
            var y = Math.Max(0, a.Y - overlap);
            var context = new TileRect(x, y, Math.Min(source.Width, a.X + a.Width + overlap) - x, Math.Min(source.Height, a.Y + a.Height + overlap) - y);
            return (Region: region, Context: context, Plan: TilePlanner.Plan(context.Width, context.Height, tileSize, overlap));
        }).ToList();
        var steps = work.Sum(w => w.Plan.Count);
        var total = steps + mainTiles;
        progress?.Report(new UpscaleProgress(UpscaleStage.Upscaling, 0, total));

        var patches = new List<FacePatch>(work.Count);
        var done = 0;
        var redrawStarted = Stopwatch.GetTimestamp();
        foreach (var (region, context, plan) in work)
        {
            cancellationToken.ThrowIfCancellationRequested();
            using var crop = source.Crop(context.X, context.Y, context.Width, context.Height);
            var sampleBytes = source.Is16Bit ? 2 : 1;
            var redrawBytes = (long)context.Width * s * context.Height * s * 3 * sampleBytes;
            if (redrawBytes > Array.MaxLength)
            {
                throw new InvalidOperationException($"A face region of {context.Width}x{context.Height} pixels is too large to redraw in memory.");
            }

            using var redraw = new MemoryStream((int)redrawBytes);
            TiledRunner.Run(crop, faithful, plan, redraw, new OffsetProgress(progress, done, total), cancellationToken);
            done += plan.Count;
            var area = region.Area;
            var outArea = new TileRect(area.X * s, area.Y * s, area.Width * s, area.Height * s);
            var mask = new FeatheredMask(outArea, source.Width * s, source.Height * s, options.Feather * Math.Min(outArea.Width, outArea.Height));
            var bytes = redraw.GetBuffer().AsSpan(0, (int)redraw.Length);
            var contextRow = context.Width * s * 3;
            var regionRow = outArea.Width * 3;
            var offsetX = (area.X - context.X) * s * 3;
            var offsetY = (area.Y - context.Y) * s;
            if (source.Is16Bit)
            {
                var all = MemoryMarshal.Cast<byte, ushort>(bytes);
                var pixels = new ushort[regionRow * outArea.Height];
                for (var row = 0; row < outArea.Height; row++)
                {
                    all.Slice(((offsetY + row) * contextRow) + offsetX, regionRow).CopyTo(pixels.AsSpan(row * regionRow));
                }

                patches.Add(new FacePatch(region, mask, null, pixels));
            }
            else
            {
                var pixels = new byte[regionRow * outArea.Height];
                for (var row = 0; row < outArea.Height; row++)
                {
                    bytes.Slice(((offsetY + row) * contextRow) + offsetX, regionRow).CopyTo(pixels.AsSpan(row * regionRow));
                }

                patches.Add(new FacePatch(region, mask, pixels, null));
            }
        }

        var report = new FaceProtectionReport(true, faces.Count, null)
        {
            FaithfulModelId = faithfulId,
            Detected = faces,
            Regions = regions,
            DetectionTime = detection,
            RedrawTime = Stopwatch.GetElapsedTime(redrawStarted),
        };
        return (patches.Count == 0 ? null : new FaceCompositor(patches), report, steps);
    }
}
