#:package NetVips@3.2.0
#:package NetVips.Native.linux-x64@8.18.7
using NetVips;
var src = "/usr/share/doc/opencv-doc/examples/data/";
var outDir = args[0];
Directory.CreateDirectory(outDir);
using var butterfly = Image.NewFromFile(src + "butterfly.jpg");
using var photo = butterfly.Crop(150, 100, 128, 96);
photo.Jpegsave(Path.Combine(outDir, "photo.jpg"), q: 92);
photo.Pngsave(Path.Combine(outDir, "photo.png"));
photo.Webpsave(Path.Combine(outDir, "photo.webp"), q: 90);
photo.Tiffsave(Path.Combine(outDir, "photo.tif"));
try { photo.Heifsave(Path.Combine(outDir, "photo.avif"), q: 70, compression: Enums.ForeignHeifCompression.Av1); Console.WriteLine("avif ok"); } catch (Exception e) { Console.WriteLine("avif: " + e.Message); }
// alpha: a radial-ish gradient
using var xy = Image.Xyz(128, 96);
using var alpha = ((xy[0] * 2).Cast(Enums.BandFormat.Uchar));
using var rgba = photo.Bandjoin(alpha);
rgba.Pngsave(Path.Combine(outDir, "rgba.png"));
using var gray = photo.Colourspace(Enums.Interpretation.Bw);
gray.Pngsave(Path.Combine(outDir, "gray.png"));
using var rgb16 = photo.Colourspace(Enums.Interpretation.Rgb16);
rgb16.Pngsave(Path.Combine(outDir, "rgb16.png"));
using var gray16 = photo.Colourspace(Enums.Interpretation.Grey16);
gray16.Pngsave(Path.Combine(outDir, "gray16.png"));
using var cmyk = photo.IccTransform("cmyk");
Console.WriteLine($"cmyk interp {cmyk.Interpretation} bands {cmyk.Bands}");
cmyk.Jpegsave(Path.Combine(outDir, "cmyk.jpg"), q: 92, keep: Enums.ForeignKeep.None);
// EXIF orientation 6: stored landscape, shown portrait.
using var oriented = photo.Mutate(m => m.Set(GValue.GIntType, "orientation", 6));
oriented.Jpegsave(Path.Combine(outDir, "orientation6.jpg"), q: 92);
using var one = photo.Crop(10, 10, 1, 1);
one.Pngsave(Path.Combine(outDir, "one-pixel.png"));
using var stripY = Image.Xyz(10, 60000);
using var strip = (stripY[1] * (255.0 / 60000)).Cast(Enums.BandFormat.Uchar).Bandjoin([(stripY[0] * 25).Cast(Enums.BandFormat.Uchar), (stripY[1] * 0 + 128).Cast(Enums.BandFormat.Uchar)]).Copy(interpretation: Enums.Interpretation.Srgb);
strip.Pngsave(Path.Combine(outDir, "strip-10x60000.png"));
// animated GIF: three frames stacked vertically with page-height
using var f1 = photo.Crop(0, 0, 64, 48); using var f2 = photo.Crop(64, 0, 64, 48); using var f3 = photo.Crop(0, 48, 64, 48);
using var frames = Image.Arrayjoin([f1, f2, f3], across: 1);
using var anim = frames.Mutate(m => { m.Set(GValue.GIntType, "page-height", 48); m.Set(GValue.ArrayIntType, "delay", new[] { 100, 100, 100 }); m.Set(GValue.GIntType, "loop", 0); });
anim.Gifsave(Path.Combine(outDir, "animated.gif"));

// Fur and fine texture: the hardest case for seams between tiles.
using var baboon = Image.NewFromFile(src + "baboon.jpg");
using var texture = baboon.Crop(200, 150, 160, 120);
texture.Pngsave(Path.Combine(outDir, "texture.png"));
Console.WriteLine("done");
