using System.Diagnostics;
using System.Globalization;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Portal.Engine.Faces;
using Portal.Engine.Imaging;
using Portal.Engine.Imaging.Condition;
using Portal.Engine.Inference;
using Portal.Engine.Tiling;
using Portal.Models;
using Portal.Models.Lineup;

namespace Portal.Engine;

/// <summary>
/// The engine's entry point: image file in, upscaled image file out. Thread-safe; one instance per
/// process so ONNX Runtime sessions are shared.
/// </summary>
public sealed class ImageUpscaler(EngineOptions options, ILogger<ImageUpscaler>? logger = null) : IDisposable
{
    public static readonly IReadOnlyList<int> SupportedScales = [2, 3, 4, 8];

    private readonly ILogger log = logger ?? NullLogger<ImageUpscaler>.Instance;
    private readonly SessionCache sessions = new(options, (ILogger?)logger ?? NullLogger.Instance);
    private readonly ModelStore store = new(
        options.ModelsDirectory,
        options.ModelCacheDirectory,
        message => (logger ?? (ILogger)NullLogger.Instance).LogInformation("{Message}", message));
    private readonly Lock manifestLock = new();
    private readonly Lazy<FaceDetectorLoad> faceDetector = new(() => FaceDetectorLoad.Open(options.Faces, options.ModelsDirectory, options.CpuThreads));

    public EngineOptions Options { get; } = options;

    /// <summary>Why the GPU is not used, once it has been tried; null while unknown or when it works.</summary>
    public string? GpuUnavailableReason => sessions.GpuUnavailableReason;

    public ModelManifest Manifest
    {
        get
        {
            lock (manifestLock)
            {
                return store.Manifest;
            }
        }
    }

    /// <summary>
    /// Checks the file and the request: limits from the header, the input's condition (JPEG tables and a
    /// noise estimate on a bounded crop), the lineup's model for it, and the output size.
    /// </summary>
    /// <exception cref="UpscaleException">Anything a person should be told.</exception>
    public UpscalePlan Plan(string inputPath, UpscaleRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        var header = ImageInspector.ReadHeader(inputPath, Options.Limits);
        if (request.ModelId is not null)
        {
            var pinned = PlanFor(header, ResolveModel(request), request) with { RequestedCondition = request.Condition };
            return WithFaces(pinned with { Restoration = PinnedRestoration(inputPath, header, pinned.Model, request) }, request);
        }

        // Refuse an unoffered combination before spending time on measuring the file.
        ResolveModel(request);
        var detected = DetectCondition(inputPath, header);
        var condition = request.Condition ?? detected.Condition;
        var choice = Options.Lineup.Choose(request.Content, request.Scale, request.Quality, condition);
        var (displayWidth, displayHeight) = header.DisplaySize;
        return WithFaces(
            PlanFor(header, ResolveModel(request, condition), request) with
            {
                RequestedCondition = request.Condition,
                Detected = detected,
                ServedCondition = choice.Condition,
                Restoration = choice.Restoration is { } recipe
                    ? RestorationPlan.For(recipe, detected.JpegQuality, Manifest, header.Orientation, displayWidth, displayHeight)
                    : null,
            },
            request);
    }

    /// <summary>
    /// A job pins the model its cell chose at submit (the worker passes it with the condition it was chosen for); when that
    /// model is still the cell's choice for that condition, the cell's restoration runs around it as it does for an unpinned
    /// request, so a portal job gets what the CLI and the report get. Null otherwise (a model named by hand runs alone).
    /// </summary>
    private RestorationPlan? PinnedRestoration(string inputPath, ImageHeader header, ModelEntry model, UpscaleRequest request)
    {
        if (request.Condition is not { } condition
            || Options.Lineup.Choose(request.Content, request.Scale, request.Quality, condition) is not { Restoration: { } recipe } choice
            || choice.ModelId != model.Id)
        {
            return null;
        }

        var (displayWidth, displayHeight) = header.DisplaySize;
        return RestorationPlan.For(recipe, InputConditionDetector.JpegQuality(inputPath, header), Manifest, header.Orientation, displayWidth, displayHeight);
    }

    /// <summary>Adds whether "Protect faces" applies to the plan's network and which faithful network would redraw them.</summary>
    private UpscalePlan WithFaces(UpscalePlan plan, UpscaleRequest request)
    {
        if (!FaceSafeModels.AppliesTo(request.Content, plan.Model.Id))
        {
            return plan;
        }

        var faithful = request.Faces == FaceProtection.Protect ? Manifest.FindById(FaceSafeModels.FaithfulFor(plan.Model.Id)!) : null;
        return plan with { FacesApply = true, FaceModel = faithful is { } f && f.Scale == plan.Model.Scale ? f : null };
    }

    /// <summary>Measures an input's condition (the header must already be within the limits).</summary>
    /// <exception cref="UpscaleException">The file cannot be decoded.</exception>
    public InputConditionReport DetectCondition(string inputPath, ImageHeader header)
    {
        try
        {
            return InputConditionDetector.Detect(inputPath, header);
        }
        catch (NetVips.VipsException e)
        {
            throw new UpscaleException(UpscaleErrorCode.DamagedImage, "This image could not be read: it is damaged or not a complete image file.", e);
        }
    }

    /// <summary>Upscales <paramref name="inputPath"/> into <paramref name="outputPath"/> (written atomically).</summary>
    public Task<UpscaleResult> UpscaleAsync(
        string inputPath,
        string outputPath,
        UpscaleRequest request,
        IProgress<UpscaleProgress>? progress = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);

        // The work is CPU- or GPU-bound native code; keep it off the caller's thread.
        return Task.Run(
            async () =>
            {
                progress?.Report(new UpscaleProgress(UpscaleStage.Reading, 0, 0));
                var plan = Plan(inputPath, request);
                progress?.Report(new UpscaleProgress(UpscaleStage.LoadingModel, 0, 0));
                if (!RunsInt8WithoutFloat(plan.Model))
                {
                    await store.EnsureInstalledAsync(plan.Model, cancellationToken).ConfigureAwait(false);
                }

                var model = LoadModel(plan.Model);
                ITileModel network = model;
                if (plan.Restoration is { Partner: { } partner } restoration)
                {
                    if (!RunsInt8WithoutFloat(partner))
                    {
                        await store.EnsureInstalledAsync(partner, cancellationToken).ConfigureAwait(false);
                    }

                    network = new MixedTileModel(model, LoadModel(partner), restoration.PrimaryShare);
                }

                var faces = plan.FacesApply && request.Faces == FaceProtection.Protect
                    ? await PrepareFaceSafetyAsync(plan, cancellationToken).ConfigureAwait(false)
                    : null;
                return Run(plan, network, model.Device, inputPath, outputPath, request, progress, cancellationToken, faces);
            },
            cancellationToken);
    }

    /// <summary>
    /// The detector and the faithful network for the face pass, or why they cannot run: a missing or
    /// corrupt detector, or a faithful network that cannot be fetched, turns protection off for the job
    /// (logged with the reason) and never fails it.
    /// </summary>
    private async Task<FaceSafety> PrepareFaceSafetyAsync(UpscalePlan plan, CancellationToken cancellationToken)
    {
        if (plan.FaceModel is not { } faithful)
        {
            return FaceSafety.Off($"The lineup has no faithful x{plan.Model.Scale} network installed to redraw faces for {plan.Model.Id}.");
        }

        var detector = faceDetector.Value;
        if (detector.Detector is null)
        {
            return FaceSafety.Off(detector.Failure!);
        }

        try
        {
            if (!RunsInt8WithoutFloat(faithful))
            {
                await store.EnsureInstalledAsync(faithful, cancellationToken).ConfigureAwait(false);
            }

            return new FaceSafety(detector.Detector, LoadModel(faithful), faithful.Id, null);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            return FaceSafety.Off($"The faithful network {faithful.Id} could not be loaded ({e.Message}).");
        }
    }

    /// <summary>Fetches and converts a model that is not committed, once; returns its path.</summary>
    public Task<string> EnsureInstalledAsync(ModelEntry entry, CancellationToken cancellationToken = default) =>
        store.EnsureInstalledAsync(entry, cancellationToken);

    /// <summary>True when the model's ONNX file is present (committed, or already fetched and converted).</summary>
    public bool IsInstalled(ModelEntry entry) => store.IsInstalled(entry);

    /// <summary>Loads the sessions for these models and runs each once at the tile shape in use.</summary>
    public void WarmUp(IEnumerable<string> modelIds, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(modelIds);
        foreach (var id in modelIds)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var entry = Manifest.FindById(id) ?? throw UnknownModel(id);
            if (!File.Exists(ModelPath(entry)) && !RunsInt8WithoutFloat(entry))
            {
                log.LogInformation("Skipping warm-up of {Model}: not installed yet.", id);
                continue;
            }

            var model = LoadModel(entry);
            var overlap = ModelOverlaps.For(entry, model.Precision);
            var side = TileSizeFor(model.Device, null, model.Precision, overlap) + (2 * overlap);
            var started = Stopwatch.GetTimestamp();
            model.WarmUp(side, side);
            log.LogInformation("Warmed up {Model} at {Side}x{Side} in {Ms:0} ms.", id, side, side, Stopwatch.GetElapsedTime(started).TotalMilliseconds);
        }
    }

    /// <summary>The session for a manifest entry (cached per model and device).</summary>
    public OnnxTileModel LoadModel(ModelEntry entry)
    {
        ArgumentNullException.ThrowIfNull(entry);
        var path = ModelPath(entry);
        if (!File.Exists(path) && !RunsInt8WithoutFloat(entry))
        {
            throw new UpscaleException(
                UpscaleErrorCode.ModelNotInstalled,
                $"The model '{entry.Id}' is not installed yet; it is fetched and converted on first use.");
        }

        return sessions.Get(path, store.Int8PathOf(entry), entry.Scale);
    }

    /// <summary>
    /// True when the CPU will run the model's committed int8 variant and the float32 file is not
    /// needed: the GPU is off or known to be unusable. A fetched model then needs no download.
    /// </summary>
    private bool RunsInt8WithoutFloat(ModelEntry entry) =>
        Options.CpuPrecision == ModelPrecision.Int8
        && store.Int8PathOf(entry) is not null
        && (!Options.UseGpu || sessions.GpuUnavailableReason is not null);

    public string ModelPath(ModelEntry entry)
    {
        ArgumentNullException.ThrowIfNull(entry);
        return store.PathOf(entry);
    }

    /// <summary>The model a request runs: by id, else the lineup's model for its stated condition (clean when auto).</summary>
    public ModelEntry ResolveModel(UpscaleRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        return ResolveModel(request, request.Condition ?? InputCondition.Clean);
    }

    /// <summary>The model a request runs for an input in <paramref name="condition"/>; refuses what the lineup does not offer.</summary>
    /// <exception cref="UpscaleException">An unsupported scale, an unknown model, or a combination the lineup does not offer (with the lineup's sentence).</exception>
    public ModelEntry ResolveModel(UpscaleRequest request, InputCondition condition)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (!SupportedScales.Contains(request.Scale))
        {
            throw new UpscaleException(UpscaleErrorCode.InvalidRequest, $"Scale x{request.Scale} is not offered; choose x2, x3, x4 or x8.");
        }

        if (request.ModelId is { } id)
        {
            return Manifest.FindById(id) ?? throw UnknownModel(id);
        }

        var choice = Options.Lineup.Choose(request.Content, request.Scale, request.Quality, condition);
        if (choice.ModelId is null)
        {
            throw new UpscaleException(UpscaleErrorCode.InvalidRequest, choice.Refusal!);
        }

        return Manifest.FindById(choice.ModelId)
            ?? throw new UpscaleException(UpscaleErrorCode.ModelNotInstalled, $"The lineup places '{choice.ModelId}' here, but the model manifest does not list it; run 'portal models import'.");
    }

    internal UpscalePlan PlanFor(ImageHeader header, ModelEntry model, UpscaleRequest request)
    {
        var (w, h) = header.DisplaySize;
        var outW = (long)w * request.Scale;
        var outH = (long)h * request.Scale;
        var format = ResolveFormat(request.Format, header.Format);
        ResultImages.EnsureFits(outW, outH, format);

        var modelW = (long)w * model.Scale;
        var modelH = (long)h * model.Scale;
        var megapixels = Math.Max(outW * outH, modelW * modelH) / 1_000_000.0;
        if (megapixels > Options.Limits.MaxOutputMegapixels)
        {
            throw new UpscaleException(
                UpscaleErrorCode.OutputTooLarge,
                string.Create(CultureInfo.InvariantCulture, $"The result would be {outW:N0} x {outH:N0} pixels; the limit is {ImageInspector.FormatMegapixels(Options.Limits.MaxOutputMegapixels)} megapixels. Choose a smaller scale."));
        }

        return new UpscalePlan(header, model, request.Scale, (int)outW, (int)outH, format);
    }

    /// <summary>Runs a plan with a given model; the seam the tests use to plug in stand-in networks.</summary>
    internal UpscaleResult Run(
        UpscalePlan plan,
        ITileModel model,
        ExecutionDevice device,
        string inputPath,
        string outputPath,
        UpscaleRequest request,
        IProgress<UpscaleProgress>? progress,
        CancellationToken cancellationToken,
        FaceSafety? faces = null)
    {
        var started = Stopwatch.GetTimestamp();
        var outputDirectory = Path.GetDirectoryName(Path.GetFullPath(outputPath))!;
        var scratch = Path.Combine(
            Options.ScratchDirectory ?? outputDirectory,
            $".{Path.GetFileName(outputPath)}.{Guid.NewGuid():N}.intermediate.png");
        try
        {
            using var source = ImageDecoder.Decode(inputPath, plan.Header, cancellationToken);
            if (plan.Restoration is { DeblockStrength: > 0, JpegQuality: { } jpegQuality } deblock)
            {
                source.Deblock(jpegQuality, deblock.DeblockStrength, deblock.GridX, deblock.GridY);
            }

            var overlap = request.Overlap ?? OverlapFor(plan, model.Precision);
            var tileSize = TileSizeFor(device, request.TileSize, model.Precision, overlap);
            var tiles = TilePlanner.Plan(source.Width, source.Height, tileSize, overlap, FirstTileSplitFor(device));
            var (compositor, faceReport, faceSteps) = ProtectFaces(plan, request, faces, source, model, device, tiles.Count, progress, cancellationToken);
            var steps = faceSteps + tiles.Count;

            using (var file = new FileStream(scratch, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 20))
            using (var png = new PngStreamWriter(file, source.Width * model.Scale, source.Height * model.Scale, source.Is16Bit))
            {
                TiledRunner.Run(source, model, tiles, png, faceSteps == 0 ? progress : new OffsetProgress(progress, faceSteps, steps), cancellationToken, compositor);
                png.Finish();
            }

            progress?.Report(new UpscaleProgress(UpscaleStage.Writing, steps, steps));
            var quality = Math.Clamp(request.OutputQuality ?? Options.DefaultQuality, 1, 100);
            ImageEncoder.Encode(
                scratch,
                source.Width * model.Scale,
                source.Height * model.Scale,
                source,
                plan.OutputWidth,
                plan.OutputHeight,
                new EncodeOptions(plan.Format, quality, request.StripMetadata),
                outputPath,
                cancellationToken);

            progress?.Report(new UpscaleProgress(UpscaleStage.Done, steps, steps));
            var elapsed = Stopwatch.GetElapsedTime(started);
            log.LogInformation(
                "Upscaled {Input} with {Model} ({Restoration}) to {Width}x{Height} in {Seconds:0.0} s ({Tiles} tiles of {Tile} px, overlap {Overlap}, {Device} {Precision}).",
                Path.GetFileName(inputPath), plan.Model.Id, plan.Restoration?.Describe() ?? "alone", plan.OutputWidth, plan.OutputHeight, elapsed.TotalSeconds, tiles.Count, tileSize, overlap, device, model.Precision);
            return new UpscaleResult(
                outputPath, plan.OutputWidth, plan.OutputHeight, plan.Format, plan.Model.Id, plan.Model.Scale,
                plan.RequestedScale, device, tiles.Count, tileSize, overlap, elapsed) { Precision = model.Precision, Faces = faceReport };
        }
        finally
        {
            ImageEncoder.TryDelete(scratch);
        }
    }

    /// <summary>The context a tile needs: the wider of the network's and any partner's mixed into it.</summary>
    internal static int OverlapFor(UpscalePlan plan, ModelPrecision precision) =>
        plan.Restoration?.Partner is { } partner
            ? Math.Max(ModelOverlaps.For(plan.Model, precision), ModelOverlaps.For(partner, precision))
            : ModelOverlaps.For(plan.Model, precision);

    /// <summary>
    /// Runs the face pass where it applies. Whatever goes wrong in it (a detector that cannot run on this
    /// image, a region too large) turns protection off for this job with the reason; the job goes on.
    /// </summary>
    private (FaceCompositor? Compositor, FaceProtectionReport? Report, int Steps) ProtectFaces(
        UpscalePlan plan,
        UpscaleRequest request,
        FaceSafety? faces,
        SourceImage source,
        ITileModel model,
        ExecutionDevice device,
        int mainTiles,
        IProgress<UpscaleProgress>? progress,
        CancellationToken cancellationToken)
    {
        if (!plan.FacesApply)
        {
            return (null, null, 0);
        }

        if (request.Faces == FaceProtection.Off)
        {
            return (null, FaceProtectionReport.Off("Protection was turned off for this job."), 0);
        }

        faces ??= FaceSafety.Off("No face detector was given to this run.");
        if (faces.Detector is null || faces.Faithful is null)
        {
            log.LogWarning("Faces are not protected for {Model}: {Reason}", plan.Model.Id, faces.OffReason);
            return (null, FaceProtectionReport.Off(faces.OffReason!), 0);
        }

        if (faces.Faithful.Scale != model.Scale)
        {
            return (null, FaceProtectionReport.Off($"{faces.FaithfulId} is x{faces.Faithful.Scale}, not x{model.Scale} like {plan.Model.Id}."), 0);
        }

        try
        {
            var faithfulEntry = Manifest.FindById(faces.FaithfulId!);
            var overlap = faithfulEntry is null ? ModelOverlaps.Fallback : ModelOverlaps.For(faithfulEntry, faces.Faithful.Precision);
            var tileSize = TileSizeFor(device, request.TileSize, faces.Faithful.Precision, overlap);
            var (compositor, report, steps) = FaceProtectionPass.Run(
                source, faces.Detector, faces.Faithful, faces.FaithfulId!, Options.Faces, tileSize, overlap, mainTiles, progress, cancellationToken);
            log.LogInformation(
                "{Faces} face(s) in {Regions} region(s) for {Model}: found in {DetectMs:0} ms, redrawn by {Faithful} in {RedrawMs:0} ms.",
                report.Faces, report.Regions.Count, plan.Model.Id, report.DetectionTime.TotalMilliseconds, faces.FaithfulId, report.RedrawTime.TotalMilliseconds);
            return (compositor, report, steps);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            log.LogWarning(e, "Faces are not protected for {Model}: the face pass failed.", plan.Model.Id);
            return (null, FaceProtectionReport.Off($"The face pass failed ({e.Message})."), 0);
        }
    }

    /// <summary>
    /// The configured tile side, except that an int8 model's tile core is at least 8x its overlap:
    /// int8 needs wide overlaps, and this keeps the context at most 56 % extra work. Its uint8
    /// activations take a quarter of float32's memory, so the larger tile fits the same budget.
    /// </summary>
    internal int TileSizeFor(ExecutionDevice device, int? requested, ModelPrecision precision = ModelPrecision.Float32, int overlap = 0) =>
        Math.Max(16, requested ?? (device == ExecutionDevice.Cuda ? Options.GpuTileSize
            : precision == ModelPrecision.Int8 ? Math.Max(Options.CpuTileSize, 8 * overlap) : Options.CpuTileSize));

    /// <summary>How finely the first tile is cut, so progress moves early on a slow device.</summary>
    internal int FirstTileSplitFor(ExecutionDevice device) => device == ExecutionDevice.Cuda ? 1 : Math.Max(1, Options.CpuFirstTileSplit);

    internal static OutputFormat ResolveFormat(OutputFormat requested, ImageFormat input) => requested switch
    {
        OutputFormat.SameAsInput => input switch
        {
            ImageFormat.Jpeg => OutputFormat.Jpeg,
            ImageFormat.WebP => OutputFormat.WebP,
            _ => OutputFormat.Png,
        },
        _ => requested,
    };

    private static UpscaleException UnknownModel(string id) =>
        new(UpscaleErrorCode.UnknownModel, $"There is no model called '{id}'.");

    public void Dispose()
    {
        sessions.Dispose();
        if (faceDetector.IsValueCreated)
        {
            faceDetector.Value.Detector?.Dispose();
        }
    }
}
