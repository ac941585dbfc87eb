#:package NetVips@3.2.0
#:package NetVips.Native.linux-x64@8.18.7
using NetVips;
// From Debian's mate-backgrounds 1.26.0-1 (installed, or extracted with dpkg-deb -x); see README.md.
var src = args.Length > 1 ? args[1] : "/usr/share/backgrounds/mate/nature/";
var outDir = args[0];
(string file, string name, int x, int y)[] crops = [
  ("Dune.jpg", "dune-grass.png", 82, 3),
  ("GreenMeadow.jpg", "meadow.png", 32, 0),
  ("LadyBird.jpg", "ladybird.png", 320, 92),
  ("YellowFlower.jpg", "yellow-flower.png", 384, 144),
  ("Wood.jpg", "wood.png", 192, 112),
];
foreach (var (file, name, x, y) in crops)
{
    using var img = Image.NewFromFile(src + file);
    using var small = img.Resize(0.25, kernel: Enums.Kernel.Lanczos3);
    Console.WriteLine($"{file} {img.Width}x{img.Height} -> {small.Width}x{small.Height}, crop {x},{y}");
    using var crop = small.Crop(x, y, 256, 256);
    crop.WriteToFile(Path.Combine(outDir, name));
}
