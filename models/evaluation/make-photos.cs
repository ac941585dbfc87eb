#:package NetVips@3.2.0
#:package NetVips.Native.linux-x64@8.18.7
#:property ManagePackageVersionsCentrally=false
using NetVips;

// Cuts the evaluation photos out of Debian packages; sources and licences are in README.md.
// Usage: dotnet run make-photos.cs -- OUT_DIR [ROOT]
// ROOT is where the packages are: "/" when installed (the default), or a folder into which each .deb
// was unpacked with `dpkg-deb -x PACKAGE.deb ROOT`. A source is a path under ROOT; a "*" in its file
// name matches the one file of that folder it names (some originals are named after their makers).
var outDir = args[0];
var root = args.Length > 1 ? args[1] : "/";
(string source, string name, double shrink, int x, int y, int size)[] crops = [
  // mate-backgrounds 1.26.0-1
  ("usr/share/backgrounds/mate/nature/Dune.jpg", "dune-grass.png", 0.25, 82, 3, 256),
  ("usr/share/backgrounds/mate/nature/GreenMeadow.jpg", "meadow.png", 0.25, 32, 0, 256),
  ("usr/share/backgrounds/mate/nature/LadyBird.jpg", "ladybird.png", 0.25, 320, 92, 256),
  ("usr/share/backgrounds/mate/nature/YellowFlower.jpg", "yellow-flower.png", 0.25, 384, 144, 256),
  ("usr/share/backgrounds/mate/nature/Wood.jpg", "wood.png", 0.25, 192, 112, 256),
  // plasma-workspace-wallpapers 4:5.27.5-2
  ("usr/share/wallpapers/EveningGlow/contents/images/2560x1600.jpg", "rowing-boats.png", 0.25, 40, 144, 256),
  ("usr/share/wallpapers/Path/contents/images/2560x1600.jpg", "forest-path.png", 0.25, 40, 144, 256),
  ("usr/share/wallpapers/FallenLeaf/contents/images/2560x1600.jpg", "fallen-leaf.png", 0.25, 300, 100, 256),
  ("usr/share/wallpapers/OneStandsOut/contents/images/2560x1600.jpg", "moss.png", 0.25, 280, 72, 256),
  // lomiri-wallpapers-16.04 20.04.0-2 (the CC0 photograph)
  ("usr/share/backgrounds/seeding_by_*.jpg", "dandelion.png", 0.125, 28, 0, 256),
  // python-matplotlib-data 3.6.3-1: the only JPEG of sample_data/, a portrait (cropped above the name badge)
  ("usr/share/matplotlib/mpl-data/sample_data/*.jpg", "portrait-uniform.png", 1, 32, 0, 448),
  // python3-skimage 0.19.3-8
  ("usr/lib/python3/dist-packages/skimage/data/camera.png", "cameraman.png", 1, 64, 0, 384),
];
foreach (var (source, name, shrink, x, y, size) in crops)
{
    var path = Resolve(Path.Combine(root, source));
    using var img = Image.NewFromFile(path);
    using var small = shrink == 1 ? img.Copy() : img.Resize(shrink, kernel: Enums.Kernel.Lanczos3);
    Console.WriteLine($"{name}: {img.Width}x{img.Height} -> {small.Width}x{small.Height}, crop {size}x{size} at {x},{y}");
    using var crop = small.Crop(x, y, size, size);
    crop.WriteToFile(Path.Combine(outDir, name));
}

static string Resolve(string path)
{
    var file = Path.GetFileName(path);
    if (!file.Contains('*'))
    {
        return path;
    }
    var matches = Directory.GetFiles(Path.GetDirectoryName(path)!, file);
    return matches.Length == 1
        ? matches[0]
        : throw new InvalidOperationException($"{path} matches {matches.Length} files; expected exactly one.");
}
