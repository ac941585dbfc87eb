using System.CommandLine;
using Portal.Engine.Faces;
using Portal.Training;
using Portal.Training.Data;

namespace Portal.Cli;

/// <summary><c>data build DOMAIN</c>: renders or collects a training domain into data/DOMAIN with a licence manifest;
/// <c>data faces DOMAIN</c>: cuts the faces of its training images for the face identity loss.</summary>
internal static class DataCommand
{
    public static Command Create()
    {
        var command = new Command("data", "Build training data sets (never committed; each has a licence manifest and a fixed held-out split).");
        var domain = new Argument<string>("domain") { Description = $"The domain to build: {string.Join(", ", DatasetBuilder.Domains)}." };
        var pages = new Option<int>("--train") { Description = "Training images to make.", DefaultValueFactory = _ => 160 };
        var heldOut = new Option<int>("--heldout") { Description = "Held-out images to make (never used for training).", DefaultValueFactory = _ => 16 };
        var output = new Option<string?>("--data") { Description = "Data folder (default: data/ in the repository)." };
        var from = new Option<string>("--from")
        {
            Description = "Photo and art domains: where the Debian packages are (wallpapers; openclipart-png), \"/\" when installed or a folder they were unpacked into with dpkg-deb -x.",
            DefaultValueFactory = _ => "/",
        };
        var portraitsFrom = new Option<string?>("--portraits-from")
        {
            Description = "Photo domain only: where Debian's wesnoth-1.16-data is (\"/\" or a dpkg-deb -x folder); its training portraits (the art set's split, held-out ones never) join data/photo/train.",
        };
        var build = new Command("build", "Build one domain's training and held-out images.") { Arguments = { domain }, Options = { pages, heldOut, output, from, portraitsFrom } };
        build.SetAction((parseResult, cancellationToken) =>
        {
            var root = RepositoryRoot.Find();
            try
            {
                new DatasetBuilder(parseResult.GetValue(output) ?? Path.Combine(root, "data"), root, Console.Out, parseResult.GetValue(from)!, parseResult.GetValue(portraitsFrom))
                    .Build(parseResult.GetValue(domain)!, parseResult.GetValue(pages), parseResult.GetValue(heldOut));
                return Task.FromResult(0);
            }
            catch (TrainingException error)
            {
                Console.Error.WriteLine(error.Message);
                return Task.FromResult(2);
            }
        });
        command.Subcommands.Add(build);
        command.Subcommands.Add(CreateFaces(output));
        return command;
    }

    private static Command CreateFaces(Option<string?> output)
    {
        var domain = new Argument<string>("domain") { Description = "A built domain (data/DOMAIN/train); only its training images are read." };
        var size = new Option<int>("--size") { Description = "Side of each face crop in pixels (a multiple of 8); the face box fills its middle three quarters.", DefaultValueFactory = _ => FaceSet.DefaultSize };
        var minSize = new Option<int?>("--min-size") { Description = "Smallest aligned face box kept, in source pixels (default and minimum: three quarters of --size, so no face is enlarged)." };
        var faces = new Command("faces", "Cut the faces of a domain's training images into data/DOMAIN/faces/ (for losses.face).") { Arguments = { domain }, Options = { size, minSize, output } };
        faces.SetAction((parseResult, cancellationToken) =>
        {
            var root = RepositoryRoot.Find();
            var side = parseResult.GetValue(size);
            try
            {
                using var detector = new FaceDetector(Path.Combine(root, "models"));
                var builder = new FaceSetBuilder(parseResult.GetValue(output) ?? Path.Combine(root, "data"), Console.Out);
                builder.Build(parseResult.GetValue(domain)!, side, parseResult.GetValue(minSize) ?? side - 2 * FaceSet.MarginOf(side),
                    $"models/analysis face-detector-tiny + face-landmarks-68 (input {detector.Options.InputSize}, score {detector.Options.ScoreThreshold}), aligned box as the face drift metric reads it",
                    image => detector.Detect(image, cancellationToken).Select(f => new FaceSetBuilder.AlignedSquare(f.AlignedBox.X, f.AlignedBox.Y, f.AlignedBox.Width)).ToList(),
                    cancellationToken);
                return Task.FromResult(0);
            }
            catch (TrainingException error)
            {
                Console.Error.WriteLine(error.Message);
                return Task.FromResult(2);
            }
        });
        return faces;
    }
}
