#:package NetVips@3.2.0
#:package NetVips.Native.linux-x64@8.18.7
// Renders text/page.png: our own text on paper, DejaVu fonts (Debian fonts-dejavu-core). Run: dotnet run make-text.cs -- text/page.png
using NetVips;
var markup = "<span font='DejaVu Sans 15'><b>Order summary</b></span>\n<span font='DejaVu Sans 11'>Invoice 2041 · 27 Nov\nSubtotal      1,184.50\nShipping          100.00\n<b>Total due   1,284.50</b></span>\n<span font='DejaVu Serif 10'>The quick brown fox jumps\nover the lazy dog. 0123456789\nSharp glyphs, no ringing.</span>\n<span font='DejaVu Sans Mono 9'>$ portal upscale --scale 4\nok: 1 image, 0.8 s</span>";
using var text = Image.Text(markup, dpi: 96, width: 236);
Console.WriteLine($"{text.Width}x{text.Height}");
// text is a one-band alpha mask: ink where 255. Draw dark grey ink on off-white paper.
using var ink = text.Embed(10, 8, 256, 256);
using var paper = ink.NewFromImage(new double[] { 250, 248, 242 });
using var inkColour = ink.NewFromImage(new double[] { 30, 30, 40 });
using var alpha = ink.Cast(Enums.BandFormat.Float) / 255.0;
using var mixed = inkColour * alpha + paper * (1 - alpha);
using var result = mixed.Cast(Enums.BandFormat.Uchar).Copy(interpretation: Enums.Interpretation.Srgb);
result.WriteToFile(args[0]);
